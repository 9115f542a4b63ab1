import { randomBytes } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ApiTokenView, AuditEntry, CreatedApiToken, NewApiToken, NewUser, SessionEndedMessage, UserChange, UserView } from '../../shared/index.js';
import type { Logger } from '../log.js';
import { Refusal } from '../refusal.js';
import type { StoredSession, StoredToken, StoredUser } from '../store/authStore.js';
import type { Store } from '../store/store.js';
import { auditEntry, writeAudited } from './auditedChange.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import type { Principal } from './principal.js';
import { hashSecret, newApiToken, newSecret, parseApiToken, sameHash } from './secrets.js';

export interface AuthSettings {
  /** How long a signed-in session lasts without use. */
  sessionTtlMs: number;
  /** How long a wall display's kiosk session lasts without use: an unattended screen runs for weeks. */
  wallSessionTtlMs: number;
  /** Failed logins of one account, and from one address, before further tries are refused for a while. */
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  /** How long the failures are counted and the block lasts. */
  failureWindowMs: number;
}

export type EndReason = SessionEndedMessage['code'];
/** Told when credentials stop being valid, with the keys of `credentialKeys`, so open sockets close. */
export type CredentialsEndedListener = (keys: string[], reason: EndReason) => void;

export interface AuditContext {
  principal: Principal | null;
  address: string | null;
}

/** A new session: its secret id goes into the cookie and nowhere else. */
export interface OpenedSession {
  sessionId: string;
  expiresAt: number;
  principal: Principal;
}

const toUserView = ({ username, displayName, role, teamId, unitCode, disabled, createdAt, updatedAt }: StoredUser): UserView => ({
  username, displayName, role, teamId, unitCode, disabled, createdAt, updatedAt,
});
const toTokenView = ({ id, name, role, createdBy, createdAt, lastUsedAt, revokedAt }: StoredToken): ApiTokenView => ({
  id, name, role, createdBy, createdAt, lastUsedAt, revokedAt,
});

/** Gives a reserved attempt back (never below zero: a count that expired meanwhile stays gone). */
async function refund(limiter: RateLimiterMemory, key: string): Promise<void> {
  if (((await limiter.get(key))?.consumedPoints ?? 0) > 0) await limiter.reward(key);
}

/**
 * Accounts, sessions and machine tokens: who someone is, and for how long. What they may do is
 * decided elsewhere (accessRules.ts); this only says who is asking.
 */
export class AuthService {
  private readonly failuresByAccount: RateLimiterMemory;
  private readonly failuresByAddress: RateLimiterMemory;
  private readonly listeners: CredentialsEndedListener[] = [];

  constructor(
    private readonly store: Pick<Store, 'auth' | 'audit' | 'transaction'>,
    private readonly settings: AuthSettings,
    private readonly log: Logger,
    /** Whether a team id names a team (field accounts belong to one), and a unit code a unit (unit desks belong to one). */
    private readonly roster: { teamExists(teamId: string): boolean; unitExists(unitCode: string): boolean } = { teamExists: () => true, unitExists: () => true },
    private readonly now: () => number = Date.now,
  ) {
    const window = Math.ceil(settings.failureWindowMs / 1000);
    this.failuresByAccount = new RateLimiterMemory({ points: settings.maxFailuresPerAccount, duration: window, blockDuration: window });
    this.failuresByAddress = new RateLimiterMemory({ points: settings.maxFailuresPerAddress, duration: window, blockDuration: window });
  }

  onCredentialsEnded(listener: CredentialsEndedListener): void {
    this.listeners.push(listener);
  }

  private ended(keys: string[], reason: EndReason): void {
    for (const l of this.listeners) l(keys, reason);
  }

  /**
   * On the first start, with no users: the admin account, with GRIDWATCH_ADMIN_PASSWORD or a random
   * password printed once to the log.
   */
  async bootstrapAdmin(password: string | null): Promise<void> {
    if ((await this.store.auth.countUsers()) > 0) return;
    const chosen = password ?? randomBytes(15).toString('base64url');
    const passwordHash = await hashPassword(chosen);
    const created = await this.store.transaction(async (tx) => {
      // Another instance on the same database may have been first.
      if ((await tx.auth.countUsers()) > 0) return false;
      await tx.auth.createUser({ username: 'admin', displayName: '系统管理员', role: 'admin', passwordHash, at: this.now() });
      await tx.audit.append({ at: this.now(), actor: 'system', role: 'system', action: 'user.create', objectType: 'user', objectId: 'admin' });
      return true;
    });
    if (!created) return;
    if (password) this.log.info('created the admin account with the password from GRIDWATCH_ADMIN_PASSWORD');
    else this.log.warn({ username: 'admin', password: chosen }, 'created the admin account; this password is shown only now: sign in and change it');
  }

  // --- signing in and out -------------------------------------------------------------------

  /**
   * Checks a username and password. Each attempt first reserves one failure of the account and one of
   * the address, before the password is hashed, so parallel guesses cannot all pass a check that is
   * counted only afterwards; a successful sign-in clears the account's count and gives the address
   * its attempt back. Past the limit the
   * attempt is refused (429) without hashing, even with the right password; the answer never says
   * whether the username or the password was wrong.
   */
  async login(username: string, password: string, address: string): Promise<OpenedSession> {
    const accountKey = username.toLowerCase();
    await this.reserveAttempt(accountKey, address);
    let user: StoredUser | undefined;
    let ok: boolean;
    try {
      user = await this.store.auth.userByName(accountKey);
      ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    } catch (err) {
      // Not an attempt that failed: nothing was checked.
      await this.refundAttempt(accountKey, address);
      throw err;
    }
    if (!user || !ok || user.disabled) {
      this.log.warn({ username: accountKey, address }, 'failed sign-in');
      throw new Refusal(401, 'invalid_credentials', 'Wrong username or password.');
    }
    // The right password ends the account's count (its owner mistyped); the address only gets its
    // own attempt back, since other accounts may be guessed from it.
    await Promise.all([this.failuresByAccount.delete(accountKey), refund(this.failuresByAddress, address)]);
    const principal = this.userPrincipal(user, null);
    return this.openSession(principal, this.settings.sessionTtlMs, { action: 'auth.login', objectType: 'user', objectId: user.username, address });
  }

  /** Counts an attempt against the account and the address, or refuses it (429) when either is spent. */
  private async reserveAttempt(accountKey: string, address: string): Promise<void> {
    const refuse = (e: unknown): never => {
      if (!(e instanceof RateLimiterRes)) throw e;
      throw new Refusal(429, 'too_many_attempts', 'Too many failed sign-ins; try again later.', { retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) });
    };
    await this.failuresByAccount.consume(accountKey).catch(refuse);
    await this.failuresByAddress.consume(address).catch(async (e: unknown) => {
      // Refused by its address: the account's reservation goes back.
      await refund(this.failuresByAccount, accountKey);
      refuse(e);
    });
  }

  private async refundAttempt(accountKey: string, address: string): Promise<void> {
    await Promise.all([refund(this.failuresByAccount, accountKey), refund(this.failuresByAddress, address)]);
  }

  /** A kiosk link turns a wall display's token into a session, so the token leaves the address bar. */
  async openKioskSession(principal: Principal, address: string | null): Promise<OpenedSession> {
    // The access rules let only the wall role here; a wall *session* (a person's account, or a
    // kiosk session already open) has nothing to exchange.
    if (principal.kind !== 'token' || principal.sessionHash !== null) {
      throw new Refusal(409, 'already_signed_in', 'A kiosk session is opened with the display\'s API token, not with a session.');
    }
    return this.openSession(principal, this.settings.wallSessionTtlMs, { action: 'auth.kiosk', objectType: 'token', objectId: principal.tokenId!, address });
  }

  /** Opens a session for a principal, with its audit entry (sign-in, kiosk) in the same transaction. */
  private async openSession(
    principal: Principal,
    ttlMs: number,
    audited: { action: string; objectType: string; objectId: string; address: string | null },
  ): Promise<OpenedSession> {
    const sessionId = newSecret();
    const idHash = hashSecret(sessionId);
    const now = this.now();
    const { address, ...what } = audited;
    await writeAudited(this.store, { ctx: { principal, address }, ...what, at: now }, (tx) =>
      tx.auth.createSession({ idHash, userId: principal.userId, tokenId: principal.kind === 'token' ? principal.tokenId : null, createdAt: now, expiresAt: now + ttlMs }),
    );
    return { sessionId, expiresAt: now + ttlMs, principal: { ...principal, sessionHash: idHash } };
  }

  async logout(principal: Principal, address: string | null): Promise<void> {
    if (!principal.sessionHash) return;
    const sessionHash = principal.sessionHash;
    const objectId = principal.kind === 'user' ? principal.name : principal.tokenId!;
    await writeAudited(this.store, { ctx: { principal, address }, action: 'auth.logout', objectType: principal.kind, objectId, at: this.now() }, (tx) =>
      tx.auth.deleteSession(sessionHash),
    );
    this.ended([`session:${sessionHash}`], 'logged_out');
  }

  // --- who is asking --------------------------------------------------------------------------

  /** The principal of a session cookie, sliding its expiry forward; null when unknown or expired. */
  async fromSession(sessionId: string): Promise<Principal | null> {
    const idHash = hashSecret(sessionId);
    const session = await this.store.auth.sessionByHash(idHash);
    if (!session) return null;
    const now = this.now();
    if (session.expiresAt <= now) {
      await this.store.auth.deleteSession(idHash);
      this.ended([`session:${idHash}`], 'session_expired');
      return null;
    }
    const principal = await this.sessionPrincipal(session);
    if (!principal) return null;
    const ttl = principal.role === 'wall' ? this.settings.wallSessionTtlMs : this.settings.sessionTtlMs;
    // Written at most every tenth of the lifetime, not on every request.
    if (session.expiresAt - now < ttl * 0.9) await this.store.auth.extendSession(idHash, now + ttl);
    return principal;
  }

  private async sessionPrincipal(session: StoredSession): Promise<Principal | null> {
    if (session.userId !== null) {
      const user = await this.store.auth.userById(session.userId);
      return user && !user.disabled ? this.userPrincipal(user, session.idHash) : null;
    }
    if (session.tokenId !== null) {
      const token = await this.store.auth.tokenById(session.tokenId);
      return token && !token.revokedAt ? { ...this.tokenPrincipal(token), sessionHash: session.idHash } : null;
    }
    return null;
  }

  /** The principal of `Authorization: Bearer gw_…`; null when malformed, unknown or revoked. */
  async fromBearer(bearer: string): Promise<Principal | null> {
    const parsed = parseApiToken(bearer);
    if (!parsed) return null;
    const token = await this.store.auth.tokenById(parsed.id);
    if (!token || token.revokedAt || !sameHash(token.secretHash, hashSecret(parsed.secret))) return null;
    const now = this.now();
    if (!token.lastUsedAt || now - Date.parse(token.lastUsedAt) > 60_000) await this.store.auth.touchToken(token.id, now);
    return this.tokenPrincipal(token);
  }

  /** Whether the credentials behind an earlier principal still hold, and as whom now. */
  async revalidate(p: Principal): Promise<Principal | null> {
    if (p.sessionHash) {
      const session = await this.store.auth.sessionByHash(p.sessionHash);
      if (!session || session.expiresAt <= this.now()) return null;
      return this.sessionPrincipal(session);
    }
    if (p.tokenId) {
      const token = await this.store.auth.tokenById(p.tokenId);
      return token && !token.revokedAt ? this.tokenPrincipal(token) : null;
    }
    return null;
  }

  /** Drops expired sessions from the store; run periodically (open sockets are revalidated on their own). */
  async sweepExpiredSessions(): Promise<void> {
    await this.store.auth.deleteExpiredSessions(this.now());
  }

  private userPrincipal(u: StoredUser, sessionHash: string | null): Principal {
    return { kind: 'user', name: u.username, displayName: u.displayName, role: u.role, userId: u.id, tokenId: null, teamId: u.teamId, unitCode: u.unitCode, sessionHash };
  }

  private tokenPrincipal(t: StoredToken): Principal {
    return { kind: 'token', name: t.name, displayName: t.name, role: t.role, userId: null, tokenId: t.id, teamId: null, unitCode: null, sessionHash: null };
  }

  // --- accounts and tokens (admins) -------------------------------------------------------------

  async listUsers(): Promise<UserView[]> {
    return (await this.store.auth.listUsers()).map(toUserView);
  }

  async createUser(input: NewUser, ctx: AuditContext): Promise<UserView> {
    const taken = () => new Refusal(409, 'username_taken', `The username ${input.username} is taken.`);
    if (await this.store.auth.userByName(input.username)) throw taken();
    if (input.teamId !== undefined && !this.roster.teamExists(input.teamId)) throw new Refusal(422, 'unknown_team', `No team has the id ${input.teamId}.`);
    if (input.unitCode !== undefined && !this.roster.unitExists(input.unitCode)) throw new Refusal(422, 'unknown_unit', `No unit has the code ${input.unitCode}.`);
    const passwordHash = await hashPassword(input.password);
    const teamId = input.teamId ?? null;
    const unitCode = input.unitCode ?? null;
    const at = this.now();
    const user = await writeAudited(this.store, { ctx, action: 'user.create', objectType: 'user', objectId: input.username, detail: { role: input.role, teamId, unitCode }, at }, async (tx) => {
      // Asked again in the transaction: another admin may have taken the name while this password was hashed.
      if (await tx.auth.userByName(input.username)) throw taken();
      return tx.auth.createUser({ username: input.username, displayName: input.displayName ?? input.username, role: input.role, passwordHash, teamId, unitCode, at });
    });
    return toUserView(user);
  }

  /** Changes an account; a changed role, password or status ends its sessions and open sockets. */
  async updateUser(username: string, change: UserChange, ctx: AuditContext): Promise<UserView> {
    const user = await this.store.auth.userByName(username);
    if (!user) throw new Refusal(404, 'not_found', `No user is called ${username}.`);
    if (change.teamId && !this.roster.teamExists(change.teamId)) throw new Refusal(422, 'unknown_team', `No team has the id ${change.teamId}.`);
    if (change.unitCode && !this.roster.unitExists(change.unitCode)) throw new Refusal(422, 'unknown_unit', `No unit has the code ${change.unitCode}.`);
    if ((change.role ?? user.role) === 'unit' && (change.unitCode === undefined ? user.unitCode : change.unitCode) === null) {
      throw new Refusal(422, 'unit_required', 'A unit desk account needs its unitCode.');
    }
    if (ctx.principal?.userId === user.id && (change.disabled || (change.role && change.role !== 'admin'))) {
      throw new Refusal(409, 'own_account', 'An admin cannot disable or demote their own account.');
    }
    const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
    const endsSessions = change.role !== undefined || change.password !== undefined || change.disabled !== undefined || change.teamId !== undefined || change.unitCode !== undefined;
    const { password: _secret, ...logged } = change;
    const at = this.now();
    const detail = { ...logged, passwordChanged: change.password !== undefined };
    const { updated, hashes } = await writeAudited(this.store, { ctx, action: 'user.update', objectType: 'user', objectId: username, detail, at }, async (tx) => ({
      updated: await tx.auth.updateUser(user.id, { displayName: change.displayName, role: change.role, disabled: change.disabled, teamId: change.teamId, unitCode: change.unitCode, passwordHash, at }),
      hashes: endsSessions ? await tx.auth.deleteSessionsOfUser(user.id) : [],
    }));
    // Sockets are told once the change has committed.
    if (endsSessions) this.ended([`user:${user.id}`, ...hashes.map((h) => `session:${h}`)], 'account_changed');
    return toUserView(updated);
  }

  async listTokens(): Promise<ApiTokenView[]> {
    return (await this.store.auth.listTokens()).map(toTokenView);
  }

  async createToken(input: NewApiToken, ctx: AuditContext): Promise<CreatedApiToken> {
    const { id, secret, token } = newApiToken();
    const at = this.now();
    const stored = await writeAudited(this.store, { ctx, action: 'token.create', objectType: 'token', objectId: id, detail: { name: input.name, role: input.role }, at }, (tx) =>
      tx.auth.createToken({ id, name: input.name, role: input.role, secretHash: hashSecret(secret), createdBy: ctx.principal?.name ?? 'system', at }),
    );
    return { ...toTokenView(stored), token };
  }

  /** Revokes a token at once: its requests are refused from now on and its sockets and kiosk sessions close. */
  async revokeToken(id: string, ctx: AuditContext): Promise<ApiTokenView> {
    const at = this.now();
    const { revoked, hashes } = await writeAudited(this.store, { ctx, action: 'token.revoke', objectType: 'token', objectId: id, at }, async (tx) => {
      if (!(await tx.auth.tokenById(id))) throw new Refusal(404, 'not_found', `No token has the id ${id}.`);
      if (!(await tx.auth.revokeToken(id, at))) throw new Refusal(409, 'already_revoked', 'The token was already revoked.');
      return { hashes: await tx.auth.deleteSessionsOfToken(id), revoked: (await tx.auth.tokenById(id))! };
    });
    this.ended([`token:${id}`, ...hashes.map((h) => `session:${h}`)], 'revoked');
    return toTokenView(revoked);
  }

  // --- the audit log ---------------------------------------------------------------------------

  /** Appends one audit entry on its own (a change and its entry go through writeAudited instead). */
  async audit(ctx: AuditContext, action: string, objectType: string, objectId: string, detail?: unknown): Promise<void> {
    await this.store.audit.append(auditEntry(ctx, action, objectType, objectId, detail, this.now()));
  }

  readAudit(limit: number, beforeId?: number): Promise<AuditEntry[]> {
    return this.store.audit.read(limit, beforeId);
  }
}
