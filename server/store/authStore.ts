import type { ApiTokenView, AuditEntry, Role, UserView } from '../../shared/index.js';

export interface StoredUser extends UserView {
  id: number;
  passwordHash: string;
}

export interface StoredToken extends ApiTokenView {
  secretHash: string;
}

/** A session as stored: it belongs to a user, or to the (wall) token it was opened with. */
export interface StoredSession {
  idHash: string;
  userId: number | null;
  tokenId: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface NewAuditEntry {
  at: number;
  actor: string;
  role: Role | 'system';
  action: string;
  objectType: string;
  objectId: string;
  detail?: unknown;
  address?: string | null;
}

/** Accounts, sessions and machine tokens. */
export interface AuthRepository {
  countUsers(): Promise<number>;
  createUser(u: { username: string; displayName: string; role: Role; passwordHash: string; teamId?: string | null; unitCode?: string | null; at: number }): Promise<StoredUser>;
  userByName(username: string): Promise<StoredUser | undefined>;
  userById(id: number): Promise<StoredUser | undefined>;
  listUsers(): Promise<StoredUser[]>;
  updateUser(id: number, change: { displayName?: string; role?: Role; passwordHash?: string; disabled?: boolean; teamId?: string | null; unitCode?: string | null; at: number }): Promise<StoredUser>;

  createToken(t: { id: string; name: string; role: Role; secretHash: string; createdBy: string; at: number }): Promise<StoredToken>;
  tokenById(id: string): Promise<StoredToken | undefined>;
  listTokens(): Promise<StoredToken[]>;
  /** Marks a token revoked; false when it does not exist or already was. */
  revokeToken(id: string, at: number): Promise<boolean>;
  touchToken(id: string, at: number): Promise<void>;

  createSession(s: StoredSession): Promise<void>;
  sessionByHash(idHash: string): Promise<StoredSession | undefined>;
  extendSession(idHash: string, expiresAt: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of a user (password, role or status changed); returns their hashes. */
  deleteSessionsOfUser(userId: number): Promise<string[]>;
  deleteSessionsOfToken(tokenId: string): Promise<string[]>;
  deleteExpiredSessions(now: number): Promise<number>;
}

/** The append-only audit log: who changed what, when. */
export interface AuditRepository {
  append(entry: NewAuditEntry): Promise<void>;
  /** Newest first, entries with id < beforeId when given. */
  read(limit: number, beforeId?: number): Promise<AuditEntry[]>;
}
