import type Database from 'better-sqlite3';
import type { IdempotencyRepository, StoredAnswer } from '../store.js';

/** First answers to writes sent with an Idempotency-Key (`idempotency_keys`, migration 5). */
export class SqliteIdempotencyRepository implements IdempotencyRepository {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      get: db.prepare('SELECT principal, key, request, status, body, at FROM idempotency_keys WHERE principal = ? AND key = ?'),
      // The first answer stays: a second for the same key is ignored.
      put: db.prepare('INSERT OR IGNORE INTO idempotency_keys (principal, key, request, status, body, at) VALUES (?, ?, ?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM idempotency_keys WHERE at < ?'),
    };
  }

  async get(principal: string, key: string): Promise<StoredAnswer | undefined> {
    return this.q.get.get(principal, key) as StoredAnswer | undefined;
  }

  async put(a: StoredAnswer): Promise<void> {
    this.q.put.run(a.principal, a.key, a.request, a.status, a.body, a.at);
  }

  async prune(beforeMs: number): Promise<number> {
    return this.q.prune.run(beforeMs).changes;
  }
}
