import type Database from 'better-sqlite3';
import type { AuditContext } from './authService.js';

/** Appends an audit entry (AuthService.audit). It must write synchronously: see writeAudited. */
export type AuditFn = (ctx: AuditContext, action: string, objectType: string, objectId: string, detail?: unknown) => Promise<void>;

/**
 * Runs an admin's change and its audit entry in one SQLite transaction. The SQLite auth store writes
 * the entry before its promise settles, so it lands inside; that it did is checked rather than
 * assumed, and a change whose entry was not written (a store that wrote later, or failed) is rolled
 * back instead of kept unaudited.
 */
export function writeAudited(
  db: Database.Database,
  audit: AuditFn,
  entry: { ctx: AuditContext; action: string; objectType: string; objectId: string; detail?: unknown },
  write: () => void,
): void {
  const lastAuditId = db.prepare('SELECT coalesce(max(id), 0) AS id FROM audit_log').pluck();
  db.transaction(() => {
    write();
    const before = lastAuditId.get() as number;
    audit(entry.ctx, entry.action, entry.objectType, entry.objectId, entry.detail).catch(() => undefined);
    if ((lastAuditId.get() as number) === before) throw new Error(`the audit entry of ${entry.action} was not written`);
  })();
}
