import type Database from 'better-sqlite3';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { credentialKeys } from '../auth/principal.js';
import { Refusal } from '../refusal.js';
import { principalOf } from '../auth/httpAuth.js';

const Key = z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/);
/** How long an answer is kept for replay: a phone offline for a day still gets its answers. */
const KEEP_MS = 48 * 3_600_000;

/**
 * `Idempotency-Key` on a write: the first answer is stored (in the same database) and replayed to
 * every retry with the same key from the same principal, so a field phone's offline queue can
 * resend an action it is not sure arrived without taking it twice. Answers of 5xx are not stored:
 * the retry runs again.
 */
export function idempotent(db: Database.Database, now: () => number = Date.now): RequestHandler {
  const get = db.prepare('SELECT request, status, body FROM idempotency_keys WHERE principal = ? AND key = ?');
  const put = db.prepare('INSERT OR IGNORE INTO idempotency_keys (principal, key, request, status, body, at) VALUES (?, ?, ?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM idempotency_keys WHERE at < ?');
  let lastPrune = 0;
  return (req, res, next) => {
    const header = req.get('idempotency-key');
    if (header === undefined) return next();
    const parsed = Key.safeParse(header);
    if (!parsed.success) throw new Refusal(400, 'invalid_idempotency_key', 'Idempotency-Key must be 8–100 letters, digits, - or _.');
    const principal = credentialKeys(principalOf(res)!)[0]!;
    const request = `${req.method} ${req.originalUrl}`;
    const stored = get.get(principal, parsed.data) as { request: string; status: number; body: string } | undefined;
    if (stored) {
      if (stored.request !== request) throw new Refusal(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
      res.set('Idempotent-Replayed', 'true').status(stored.status).type('application/json').send(stored.body);
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode < 500) put.run(principal, parsed.data, request, res.statusCode, JSON.stringify(body), now());
      if (now() - lastPrune > 3_600_000) {
        lastPrune = now();
        prune.run(now() - KEEP_MS);
      }
      return json(body);
    };
    next();
  };
}
