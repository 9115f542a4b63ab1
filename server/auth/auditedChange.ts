import type { NewAuditEntry } from '../store/authStore.js';
import type { Repositories, Store } from '../store/store.js';
import type { AuditContext } from './authService.js';

/** What an admin did, to whom, as the audit log records it. */
export interface AuditedAction {
  ctx: AuditContext;
  action: string;
  objectType: string;
  objectId: string;
  detail?: unknown;
}

/** The audit entry of an action: who did it (an unauthenticated caller is `anonymous`), from where, when. */
export function auditEntry(ctx: AuditContext, action: string, objectType: string, objectId: string, detail: unknown, at: number): NewAuditEntry {
  return {
    at,
    actor: ctx.principal?.name ?? 'anonymous',
    role: ctx.principal?.role ?? 'system',
    action,
    objectType,
    objectId,
    detail,
    address: ctx.address,
  };
}

/**
 * Runs an admin's change and its audit entry as one transaction of the store: `write` makes the
 * change through the transaction's repositories (it may throw, a Refusal included, and then nothing
 * is kept), the entry is appended after it, and the change is kept only with its entry. Resolves to
 * what `write` returned, once both have committed.
 */
export async function writeAudited<T>(
  store: Pick<Store, 'transaction'>,
  entry: AuditedAction & { at: number },
  write: (tx: Repositories) => Promise<T>,
): Promise<T> {
  return store.transaction(async (tx) => {
    const result = await write(tx);
    await tx.audit.append(auditEntry(entry.ctx, entry.action, entry.objectType, entry.objectId, entry.detail, entry.at));
    return result;
  });
}

/**
 * Runs a service's changes one after another, in the order they were asked for: a service that keeps
 * in memory what it has committed (shifts, the calendar) reads its state, writes, and updates it
 * after the commit, and no other change of its may come between.
 */
export function oneAtATime(): <T>(change: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(change: () => Promise<T>): Promise<T> => {
    const run = last.then(change);
    last = run.catch(() => undefined);
    return run;
  };
}
