import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppealRequest } from '../../shared/index.js';
import { ApiError } from '../../client/cases/caseApi.js';
import { failedPaths, refusalText } from '../../client/i18n/refusal.js';
import { en, zhCN } from '../../client/i18n/resources.js';

/** Refusals in the user's words: codes to zh/en, zod details to field names, and the fallbacks. */
let zh: TFunction;
let english: TFunction;
beforeAll(async () => {
  const make = async (lng: string) => {
    const i = i18next.createInstance();
    await i.init({ resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } }, lng, fallbackLng: 'zh-CN', interpolation: { escapeValue: false } });
    return i.t;
  };
  zh = await make('zh-CN');
  english = await make('en');
});

/** The details the server sends for a body that fails its schema (server/http/errors.ts parseOr400). */
function zodDetails(schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected the value to fail');
  return z.treeifyError(parsed.error);
}

describe('refusalText', () => {
  it('says a known code in Chinese, or in English when the UI is English', () => {
    const err = new ApiError(422, 'appeal_pending', 'An appeal of this judgement on this case is pending already.');
    expect(refusalText(err, zh)).toBe(zhCN.refusal.appeal_pending);
    expect(refusalText(err, zh)).toMatch(/[\u4e00-\u9fff]/);
    expect(refusalText(err, english)).toBe(en.refusal.appeal_pending);
    expect(refusalText(err, english)).not.toMatch(/[\u4e00-\u9fff]/);
    expect(refusalText(new ApiError(409, 'version_conflict', 'x'), zh)).not.toBe(refusalText(new ApiError(403, 'forbidden', 'x'), zh));
  });

  it("names the fields of a validation failure in the user's language, each once", () => {
    const details = zodDetails(AppealRequest, { judgement: 'late', reason: '' });
    expect(failedPaths(details)).toEqual([['judgement'], ['reason']]);
    const err = new ApiError(400, 'invalid_request', 'The body is not valid.', details);
    expect(refusalText(err, zh)).toBe('以下内容填写有误：申诉事项、理由');
    expect(refusalText(err, english)).toBe('Please check: judgement appealed, reason');
  });

  it('names a field by its nearest labelled segment, else by its path', () => {
    const schema = z.object({ holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)), extra: z.object({ oddity: z.number() }) });
    const details = zodDetails(schema, { holidays: ['2026-01-01', 'soon', 'later'], extra: { oddity: 'x' } });
    expect(failedPaths(details)).toEqual([['holidays', '1'], ['holidays', '2'], ['extra', 'oddity']]);
    expect(refusalText(new ApiError(400, 'invalid_request', 'x', details), zh)).toBe('以下内容填写有误：节假日、extra.oddity');
    // The calendar's own form of details: a list of issues with dotted paths.
    const issues = { issues: [{ path: 'adjustedWorkdays.0', message: 'bad' }] };
    expect(refusalText(new ApiError(400, 'invalid_request', 'x', issues), english)).toBe('Please check: adjusted workdays');
  });

  it('says invalid_request plainly when no field is named (an unknown key at the top)', () => {
    const details = zodDetails(AppealRequest, { judgement: 'overdue', reason: 'ok', extra: 1 });
    expect(failedPaths(details)).toEqual([]);
    expect(refusalText(new ApiError(400, 'invalid_request', 'x', details), zh)).toBe(zhCN.refusal.invalid_request);
  });

  it("falls back to the server's message with the code for a code it does not know", () => {
    const err = new ApiError(422, 'brand_new_rule', 'A rule added after this client was built.');
    expect(refusalText(err, zh)).toBe('操作未成功：A rule added after this client was built.（brand_new_rule）');
    expect(refusalText(err, english)).toBe('Not done: A rule added after this client was built. (brand_new_rule)');
  });

  it('asks to try again when no answer came or the server failed', () => {
    expect(refusalText(new ApiError(0, 'network', 'Failed to fetch'), zh)).toBe(zhCN.refusal.network);
    expect(refusalText(new ApiError(502, 'http_502', 'Bad Gateway'), zh)).toBe(zhCN.refusal.server);
    expect(refusalText(new ApiError(500, 'internal', 'Internal server error.'), english)).toBe(en.refusal.internal);
    // A 5xx with a code of its own says what it is.
    expect(refusalText(new ApiError(503, 'pdf_font_missing', 'No CJK font'), zh)).toBe(zhCN.refusal.pdf_font_missing);
  });

  it("prefers a page's own text for a code, and reads a code kept without its ApiError", () => {
    const err = new ApiError(400, 'invalid_request', 'x', { issues: [{ path: 'holidays.0', message: 'bad' }] });
    expect(refusalText(err, zh, { scope: 'calendar.errors' })).toBe(zhCN.calendar.errors.invalid_request);
    expect(refusalText(new ApiError(422, 'appeal_pending', 'x'), zh, { scope: 'calendar.errors' })).toBe(zhCN.refusal.appeal_pending);
    expect(refusalText({ status: 403, code: 'not_your_team', message: 'x' }, zh)).toBe(zhCN.refusal.not_your_team);
    expect(refusalText(new TypeError('boom'), zh)).toBe('操作未成功：boom');
  });
});
