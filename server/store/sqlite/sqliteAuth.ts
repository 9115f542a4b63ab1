import type Database from 'better-sqlite3';
import type { AuditEntry, Role } from '../../../shared/index.js';
import type { AuditRepository, AuthRepository, NewAuditEntry, StoredSession, StoredToken, StoredUser } from '../authStore.js';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  disabled: number;
  created_at: number;
  updated_at: number;
  team_id: string | null;
  unit_code: string | null;
}
interface TokenRow {
  id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
interface SessionRow {
  id_hash: string;
  user_id: number | null;
  token_id: string | null;
  created_at: number;
  expires_at: number;
}
interface AuditRow {
  id: number;
  at: number;
  actor: string;
  role: string;
  action: string;
  object_type: string;
  object_id: string;
  detail: string | null;
  address: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const toUser = (r: UserRow): StoredUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role as Role,
  teamId: r.team_id,
  unitCode: r.unit_code,
  passwordHash: r.password_hash,
  disabled: r.disabled !== 0,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});
const toToken = (r: TokenRow): StoredToken => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  secretHash: r.secret_hash,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
  lastUsedAt: isoOrNull(r.last_used_at),
  revokedAt: isoOrNull(r.revoked_at),
});
const toSession = (r: SessionRow): StoredSession => ({
  idHash: r.id_hash,
  userId: r.user_id,
  tokenId: r.token_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** Users, sessions and API tokens (migrations 2 and 4), on the store's connection. */
export class SqliteAuthRepository implements AuthRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      countUsers: db.prepare('SELECT count(*) AS n FROM users'),
      insertUser: db.prepare(`INSERT INTO users (username, display_name, role, password_hash, disabled, created_at, updated_at, team_id, unit_code)
        VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)`),
      userByName: db.prepare('SELECT * FROM users WHERE username = ?'),
      userById: db.prepare('SELECT * FROM users WHERE id = ?'),
      listUsers: db.prepare('SELECT * FROM users ORDER BY username'),
      insertToken: db.prepare(`INSERT INTO api_tokens (id, name, role, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
      tokenById: db.prepare('SELECT * FROM api_tokens WHERE id = ?'),
      listTokens: db.prepare('SELECT * FROM api_tokens ORDER BY created_at DESC, id'),
      revokeToken: db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      touchToken: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
      insertSession: db.prepare('INSERT INTO sessions (id_hash, user_id, token_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      sessionByHash: db.prepare('SELECT * FROM sessions WHERE id_hash = ?'),
      extendSession: db.prepare('UPDATE sessions SET expires_at = ? WHERE id_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
      sessionsOfUser: db.prepare('SELECT id_hash FROM sessions WHERE user_id = ?'),
      deleteSessionsOfUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      sessionsOfToken: db.prepare('SELECT id_hash FROM sessions WHERE token_id = ?'),
      deleteSessionsOfToken: db.prepare('DELETE FROM sessions WHERE token_id = ?'),
      deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  async countUsers(): Promise<number> {
    return (this.q.countUsers.get() as { n: number }).n;
  }

  async createUser(u: { username: string; displayName: string; role: Role; passwordHash: string; teamId?: string | null; unitCode?: string | null; at: number }): Promise<StoredUser> {
    const id = Number(this.q.insertUser.run(u.username, u.displayName, u.role, u.passwordHash, u.at, u.at, u.teamId ?? null, u.unitCode ?? null).lastInsertRowid);
    return (await this.userById(id))!;
  }

  async userByName(username: string): Promise<StoredUser | undefined> {
    const r = this.q.userByName.get(username) as UserRow | undefined;
    return r && toUser(r);
  }

  async userById(id: number): Promise<StoredUser | undefined> {
    const r = this.q.userById.get(id) as UserRow | undefined;
    return r && toUser(r);
  }

  async listUsers(): Promise<StoredUser[]> {
    return (this.q.listUsers.all() as UserRow[]).map(toUser);
  }

  async updateUser(
    id: number,
    c: { displayName?: string; role?: Role; passwordHash?: string; disabled?: boolean; teamId?: string | null; unitCode?: string | null; at: number },
  ): Promise<StoredUser> {
    const sets: string[] = ['updated_at = @at'];
    if (c.displayName !== undefined) sets.push('display_name = @displayName');
    if (c.role !== undefined) sets.push('role = @role');
    if (c.passwordHash !== undefined) sets.push('password_hash = @passwordHash');
    if (c.disabled !== undefined) sets.push('disabled = @disabled');
    if (c.teamId !== undefined) sets.push('team_id = @teamId');
    if (c.unitCode !== undefined) sets.push('unit_code = @unitCode');
    this.db
      .prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = @id`)
      .run({ id, at: c.at, displayName: c.displayName, role: c.role, passwordHash: c.passwordHash, disabled: c.disabled ? 1 : 0, teamId: c.teamId ?? null, unitCode: c.unitCode ?? null });
    return (await this.userById(id))!;
  }

  async createToken(t: { id: string; name: string; role: Role; secretHash: string; createdBy: string; at: number }): Promise<StoredToken> {
    this.q.insertToken.run(t.id, t.name, t.role, t.secretHash, t.createdBy, t.at);
    return (await this.tokenById(t.id))!;
  }

  async tokenById(id: string): Promise<StoredToken | undefined> {
    const r = this.q.tokenById.get(id) as TokenRow | undefined;
    return r && toToken(r);
  }

  async listTokens(): Promise<StoredToken[]> {
    return (this.q.listTokens.all() as TokenRow[]).map(toToken);
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return this.q.revokeToken.run(at, id).changes === 1;
  }

  async touchToken(id: string, at: number): Promise<void> {
    this.q.touchToken.run(at, id);
  }

  async createSession(s: StoredSession): Promise<void> {
    this.q.insertSession.run(s.idHash, s.userId, s.tokenId, s.createdAt, s.expiresAt);
  }

  async sessionByHash(idHash: string): Promise<StoredSession | undefined> {
    const r = this.q.sessionByHash.get(idHash) as SessionRow | undefined;
    return r && toSession(r);
  }

  async extendSession(idHash: string, expiresAt: number): Promise<void> {
    this.q.extendSession.run(expiresAt, idHash);
  }

  async deleteSession(idHash: string): Promise<void> {
    this.q.deleteSession.run(idHash);
  }

  async deleteSessionsOfUser(userId: number): Promise<string[]> {
    return this.db.transaction(() => {
      const hashes = (this.q.sessionsOfUser.all(userId) as { id_hash: string }[]).map((r) => r.id_hash);
      this.q.deleteSessionsOfUser.run(userId);
      return hashes;
    })();
  }

  async deleteSessionsOfToken(tokenId: string): Promise<string[]> {
    return this.db.transaction(() => {
      const hashes = (this.q.sessionsOfToken.all(tokenId) as { id_hash: string }[]).map((r) => r.id_hash);
      this.q.deleteSessionsOfToken.run(tokenId);
      return hashes;
    })();
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.q.deleteExpired.run(now).changes;
  }
}

/** The append-only audit log (migration 2: triggers refuse updates and deletes). */
export class SqliteAuditRepository implements AuditRepository {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      insert: db.prepare(`INSERT INTO audit_log (at, actor, role, action, object_type, object_id, detail, address)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      read: db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
    };
  }

  async append(e: NewAuditEntry): Promise<void> {
    this.q.insert.run(e.at, e.actor, e.role, e.action, e.objectType, e.objectId, e.detail === undefined ? null : JSON.stringify(e.detail), e.address ?? null);
  }

  async read(limit: number, beforeId?: number): Promise<AuditEntry[]> {
    return (this.q.read.all(beforeId ?? Number.MAX_SAFE_INTEGER, limit) as AuditRow[]).map((r) => ({
      id: r.id,
      at: iso(r.at),
      actor: r.actor,
      role: r.role,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
      address: r.address,
    }));
  }
}
