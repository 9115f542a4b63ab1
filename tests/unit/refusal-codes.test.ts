import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en, zhCN } from '../../client/i18n/resources.js';

/**
 * Every refusal code the server can send has words in Chinese and English (client/i18n/refusal.ts
 * reads `refusal.<code>`), so a new code cannot reach a user as the server's English. The codes are
 * read from the server's and shared sources the ways they are written there.
 */
const ROOT = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));
}

const CODE = "'([a-z][a-z0-9_]*)'";
const PATTERNS = [
  // new Refusal(422, 'appeal_pending', …), the status possibly an expression, over lines
  new RegExp(`new Refusal\\(\\s*[^,]+?,\\s*${CODE}`, 'g'),
  // domain errors turned into refusals: new WorkflowError('note_required', …), new ReplayError(400, 'invalid_day', …),
  // and a socket handshake's new Error('unauthenticated')
  new RegExp(`new \\w*Error\\(\\s*(?:\\d+,\\s*)?${CODE}`, 'g'),
  // the error handler's body('invalid_json', …) and the socket limits' refusal('too_many_sockets', …)
  new RegExp(`\\b(?:body|refusal)\\(\\s*${CODE}`, 'g'),
  // problems returned as { code: 'negative_weight', … } and socket errors
  new RegExp(`\\bcode: ${CODE}`, 'g'),
  // the calendar's custom zod issues: reason: 'date_outside_year' satisfies Reason
  new RegExp(`${CODE} satisfies Reason`, 'g'),
];
// A union type of codes: readonly code: 'bad_period' | 'period_in_future' | …
const UNION = /\bcode:\s*((?:\|?\s*'[a-z][a-z0-9_]*'\s*)+)/g;
// zod's own issue code, written where a schema adds an issue: never a refusal's.
const NOT_REFUSALS = new Set(['custom']);

function refusalCodesIn(text: string): Set<string> {
  const found = new Set<string>();
  for (const p of PATTERNS) for (const m of text.matchAll(p)) found.add(m[1]!);
  for (const m of text.matchAll(UNION)) for (const c of m[1]!.matchAll(/'([a-z0-9_]+)'/g)) found.add(c[1]!);
  for (const c of NOT_REFUSALS) found.delete(c);
  return found;
}

describe('refusal codes', () => {
  it('finds codes written each way the server writes them', () => {
    const sample = `throw new Refusal(\n  err.code === 'x' ? 422 : 400,\n  'first_code', 'm');\nnew WorkflowError('second_code', 'm');\nnew ReplayError(404, 'third_code', 'm');
      res.status(400).json(body('fourth_code', 'm')); return { code: 'fifth_code', message }; readonly code: 'sixth' | 'seventh';
      params: { reason: 'eighth' satisfies Reason }; ctx.addIssue({ code: 'custom' }); new Refusal(400, someVariable, 'm');`;
    expect([...refusalCodesIn(sample)].sort()).toEqual(['eighth', 'fifth_code', 'first_code', 'fourth_code', 'second_code', 'seventh', 'sixth', 'third_code']);
  });

  it('has a Chinese and an English text for every code the server sends', () => {
    const codes = new Set<string>();
    for (const f of [...sources('server'), ...sources('shared')]) for (const c of refusalCodesIn(readFileSync(f, 'utf8'))) codes.add(c);
    // The scan must see the codes of every kind of source, or it proves nothing.
    for (const c of ['invalid_request', 'appeal_pending', 'note_required', 'bad_period', 'invalid_json', 'date_outside_year', 'negative_weight', 'too_many_sockets', 'day_in_future']) {
      expect(codes, c).toContain(c);
    }
    expect(codes.size).toBeGreaterThan(80);
    const zh = zhCN.refusal as Record<string, unknown>;
    const english = en.refusal as Record<string, unknown>;
    const missing = [...codes].filter((c) => typeof zh[c] !== 'string' || typeof english[c] !== 'string' || !(english[c] as string).trim()).sort();
    expect(missing, 'add refusal.<code> in client/i18n/resources.ts, both languages').toEqual([]);
    const notChinese = [...codes].filter((c) => !/[\u4e00-\u9fff]/.test(zh[c] as string)).sort();
    expect(notChinese).toEqual([]);
  });
});
