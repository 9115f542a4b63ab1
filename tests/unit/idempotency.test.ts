import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../server/auth/principal.js';
import { errorHandler } from '../../server/http/errors.js';
import { idempotent } from '../../server/http/idempotency.js';
import { IdempotentAnswers } from '../../server/idempotency/idempotentAnswers.js';
import type { Logger } from '../../server/log.js';
import type { IdempotencyRepository, StoredAnswer } from '../../server/store/store.js';

const crew: Principal = { kind: 'user', name: 'crew', displayName: 'Crew', role: 'field', userId: 7, tokenId: null, teamId: 't1', unitCode: null, sessionHash: 'h' };

/** A slow store of answers (each put takes 20 ms), or one whose puts fail. */
function answers(failing = false): IdempotencyRepository & { kept: Map<string, StoredAnswer> } {
  const kept = new Map<string, StoredAnswer>();
  return {
    kept,
    get: async (principal, key) => kept.get(`${principal} ${key}`),
    put: async (a) => {
      await new Promise((r) => setTimeout(r, 20));
      if (failing) throw new Error('disk full');
      if (!kept.has(`${a.principal} ${a.key}`)) kept.set(`${a.principal} ${a.key}`, a);
    },
    prune: async () => 0,
  };
}

let close: (() => void) | undefined;
afterEach(() => close?.());

/** An app with one idempotent route that counts how often it ran; returns a sender for it. */
async function serve(idempotency: IdempotencyRepository, logged: unknown[] = []) {
  let ran = 0;
  const app = express();
  app.use((_req, res, next) => {
    res.locals.principal = crew;
    next();
  });
  app.use('/api/cases/:id/actions', idempotent(new IdempotentAnswers({ idempotency })));
  app.post('/api/cases/:id/actions', (_req, res) => {
    ran++;
    res.json({ ran });
  });
  app.use(errorHandler({ error: (o: unknown) => logged.push(o) } as unknown as Logger));
  const http = app.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  close = () => http.close();
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/cases/c1/actions`;
  return {
    send: () => fetch(url, { method: 'POST', headers: { 'idempotency-key': 'accept-c1-0001' } }),
    ran: () => ran,
  };
}

describe('an Idempotency-Key', () => {
  it('stores the first answer before it is sent, and replays it to a retry', async () => {
    const store = answers();
    const { send, ran } = await serve(store);
    const first = await send();
    // The answer arrived, so it is stored: a retry sent now finds it.
    expect(store.kept.size).toBe(1);
    expect(await first.json()).toEqual({ ran: 1 });
    const again = await send();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual({ ran: 1 });
    expect(ran()).toBe(1);
  });

  it('answers 500 when the answer cannot be stored, so the phone retries', async () => {
    const logged: unknown[] = [];
    const { send } = await serve(answers(true), logged);
    expect((await send()).status).toBe(500);
    expect(logged).toHaveLength(1);
  });
});
