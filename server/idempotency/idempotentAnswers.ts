import { Refusal } from '../refusal.js';
import type { Store } from '../store/store.js';

/** How long an answer is kept for replay: a phone offline for a day still gets its answers. */
export const KEEP_MS = 48 * 3_600_000;
/** How often answers past KEEP_MS are dropped. */
const PRUNE_EVERY_MS = 3_600_000;

/** The first answer to a request, as it was sent. */
export interface FirstAnswer {
  status: number;
  /** The JSON body. */
  body: string;
}

/**
 * The first answers to writes sent with an Idempotency-Key, per principal and key, kept for
 * KEEP_MS: a retry gets the first answer again instead of a second action. Answers of 5xx are not
 * kept: the retry runs again.
 */
export class IdempotentAnswers {
  private lastPrune = 0;

  constructor(
    private readonly store: Pick<Store, 'idempotency'>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The first answer to this key from this principal, or undefined when there is none yet. A key
   * used for another request (`request`: method and path) is refused (422).
   */
  async firstAnswer(principal: string, key: string, request: string): Promise<FirstAnswer | undefined> {
    if (this.now() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = this.now();
      await this.store.idempotency.prune(this.now() - KEEP_MS);
    }
    const stored = await this.store.idempotency.get(principal, key);
    if (!stored) return undefined;
    if (stored.request !== request) throw new Refusal(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
    return { status: stored.status, body: stored.body };
  }

  /** Keeps an answer, unless it is a 5xx or the key already has one (the first stays). */
  async keep(principal: string, key: string, request: string, answer: FirstAnswer): Promise<void> {
    if (answer.status >= 500) return;
    await this.store.idempotency.put({ principal, key, request, status: answer.status, body: answer.body, at: this.now() });
  }
}
