import type { RequestHandler } from 'express';
import { z } from 'zod';
import { credentialKeys } from '../auth/principal.js';
import { Refusal } from '../refusal.js';
import { principalOf } from '../auth/httpAuth.js';
import type { IdempotentAnswers } from '../idempotency/idempotentAnswers.js';

const Key = z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/);

/**
 * `Idempotency-Key` on a write: the first answer is kept and replayed to every retry with the same
 * key from the same principal, so a field phone's offline queue can resend an action it is not sure
 * arrived without taking it twice. The answer is kept before it is sent: a retry that comes once the
 * first answer went out finds it. Answers of 5xx are not kept: the retry runs again.
 */
export function idempotent(answers: IdempotentAnswers): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('idempotency-key');
    // Writes only: a read under a mounted path (GET /api/incidents) is never replayed.
    if (header === undefined || req.method === 'GET' || req.method === 'HEAD') return next();
    const parsed = Key.safeParse(header);
    if (!parsed.success) throw new Refusal(400, 'invalid_idempotency_key', 'Idempotency-Key must be 8–100 letters, digits, - or _.');
    const principal = credentialKeys(principalOf(res)!)[0]!;
    const request = `${req.method} ${req.originalUrl}`;
    const first = await answers.firstAnswer(principal, parsed.data, request);
    if (first) {
      res.set('Idempotent-Replayed', 'true').status(first.status).type('application/json').send(first.body);
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode >= 500) return json(body);
      // Sent once kept; an answer that cannot be kept becomes the failure it is (a 500: the phone
      // retries, and the retry meets what the first request did).
      answers.keep(principal, parsed.data, request, { status: res.statusCode, body: JSON.stringify(body) }).then(
        () => json(body),
        (err: unknown) => next(err),
      );
      return res;
    };
    next();
  };
}
