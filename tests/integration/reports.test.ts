import ExcelJS from 'exceljs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseView, EvaluationAnswer, Notice, ReportList, type EvaluationRow, type IndicatorFormula } from '../../shared/index.js';
import { monthIdOf, parsePeriod, previousPeriod } from '../../server/evaluation/period.js';
import { columnName, localTime } from '../../server/report/evaluationExport.js';
import { CATCH_UP } from '../../server/report/reportArchive.js';
import { dueRuns, periodOfRun } from '../../server/report/reportSchedule.js';
import { authHeaders, createToken, type Credentials } from '../support/credentials.js';
import { getJson } from '../support/api.js';
import { readPdf } from '../support/pdfText.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';

/**
 * The exports, 通报 and the scheduled reports through a real server (issue 15): the evaluation's XLSX
 * and PDF read back (exceljs, pdf.js) equal the API's rows; the notice's lists are the API's worst
 * rows, its PDF draws the towns as vector paths; the reports due since the history began are made at
 * start, once, and a restart makes none again; a missing CJK font is a 503 that names the package.
 */
let server: TestServer;
let leader: Credentials;
let wall: Credentials;
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'var', 'artifacts');
const lastMonth = monthIdOf(previousPeriod(parsePeriod(monthIdOf(Date.now()))).from);

beforeAll(async () => {
  server = await startServer({ env: { HISTORY_DAYS: '21' } });
  leader = { token: await createToken(server.url, server.adminCookie, 'leader', 'leader of the report tests') };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall', 'wall of the report tests') };
}, 180_000);

afterAll(async () => {
  if (server) {
    await server.stop();
    removeDataDir(server.dataDir);
  }
});

async function getBytes(path: string, who: Credentials = leader): Promise<{ status: number; type: string; bytes: Buffer; json: unknown }> {
  const res = await fetch(`${server.url}${path}`, { headers: authHeaders(server.url, who) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, bytes, json: type.includes('json') ? JSON.parse(bytes.toString('utf8')) : null };
}

function keep(name: string, bytes: Buffer): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), bytes);
}

/** How the PDF prints a figure, written out again here from the API's values. */
function printed(kind: IndicatorFormula['kind'] | 'score' | 'rank', v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (kind === 'rate') return `${(v * 100).toFixed(1)}%`;
  if (kind === 'count' || kind === 'rank') return String(Math.round(v));
  if (kind === 'score') return v.toFixed(1);
  return v.toFixed(2);
}

/** 等级 as a leader reads it, written out here rather than taken from the server's table. */
const GRADE_ZH = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' } as const;
const gradeZh = (r: EvaluationRow) => (r.grade ? GRADE_ZH[r.grade] : null);

function expectedCells(a: EvaluationAnswer, r: EvaluationRow): string[] {
  return [printed('rank', r.rank), r.name.zh, printed('score', r.score), gradeZh(r) ?? '–', ...a.formulas.map((f) => printed(f.kind, r.indicators[f.id])), printed('rank', r.previous?.rank)];
}

describe('evaluation exports', () => {
  it('the XLSX holds the API rows, rates as percentages, the header frozen, the formulas on a second sheet', async () => {
    const api = EvaluationAnswer.parse((await getJson(`${server.url}/api/evaluation?level=unit&period=${lastMonth}`, leader)).body);
    expect(api.rows.filter((r) => r.score !== null).length).toBeGreaterThan(3);
    const res = await getBytes(`/api/evaluation/export?level=unit&period=${lastMonth}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('spreadsheetml');
    keep('evaluation-unit.xlsx', res.bytes);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.bytes as unknown as ArrayBuffer);
    const [sheet, formulas] = wb.worksheets;
    expect(sheet!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = (sheet!.getRow(1).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 6)).toEqual(['排名', '代码', '名称', '上级', '综合得分', '等级']);
    // Graded rows, so that the grade column is checked against something.
    expect(api.rows.filter((r) => r.grade !== null).length).toBeGreaterThan(3);
    expect(sheet!.rowCount).toBe(api.rows.length + 1);
    api.rows.forEach((r, i) => {
      const row = sheet!.getRow(i + 2);
      const cell = (name: string) => row.getCell(header.indexOf(name) + 1);
      expect(cell('代码').value).toBe(r.code);
      expect(cell('名称').value).toBe(r.name.zh);
      expect(cell('排名').value ?? null).toBe(r.rank);
      expect(cell('综合得分').value ?? null).toBe(r.score);
      expect(cell('等级').value ?? null, `${r.code} grade`).toBe(gradeZh(r));
      for (const f of api.formulas) {
        expect(cell(f.name.zh).value ?? null, `${r.code} ${f.id}`).toBe(r.indicators[f.id] ?? null);
        expect(cell(f.name.zh).numFmt).toBe(f.kind === 'rate' ? '0.0%' : f.kind === 'count' ? '0' : '0.00');
      }
      expect(cell('上期排名').value ?? null).toBe(r.previous?.rank ?? null);
    });
    const ids = formulas!.getColumn(6).values.slice(2, 2 + api.formulas.length);
    expect(ids).toEqual(api.formulas.map((f) => f.id));
    expect(formulas!.getColumn(2).values).toContain(api.composite.zh);
  });

  it('the PDF prints every API row on pages that each repeat the header, with the CJK font embedded', async () => {
    const api = EvaluationAnswer.parse((await getJson(`${server.url}/api/evaluation?level=community&period=${lastMonth}`, leader)).body);
    const res = await getBytes(`/api/evaluation/export?level=community&period=${lastMonth}&format=pdf`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    keep('evaluation-community.pdf', res.bytes);
    // The face embedded as a subset (a six-letter tag before its name), with its font program.
    expect(res.bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    expect(res.bytes.toString('latin1')).toMatch(/\/FontFile[23]?/);
    const pages = await readPdf(res.bytes);
    // Rows at 15 pt on a landscape A4 page: well over one page for the district's communities.
    expect(api.rows.length).toBeGreaterThan(60);
    expect(pages.length).toBeGreaterThan(1);
    expect(api.rows.filter((r) => r.grade !== null).length).toBeGreaterThan(10);
    const header = ['排名', '名称', '综合得分', '等级', ...api.formulas.map(columnName), '上期排名'];
    const tableLines: string[][] = [];
    for (const [i, p] of pages.entries()) {
      const at = p.lines.findIndex((l) => l.join('|') === header.join('|'));
      expect(at, `page ${i + 1} starts its table with the header`).toBeGreaterThanOrEqual(0);
      tableLines.push(...p.lines.slice(at + 1).filter((l) => l.length === header.length));
      expect(p.lines.some((l) => l.join('').includes(`第 ${i + 1} / ${pages.length} 页`))).toBe(true);
    }
    expect(tableLines.map((l) => l.join('|'))).toEqual(api.rows.map((r) => expectedCells(api, r).join('|')));
    expect(pages[0]!.lines[0]!.join('')).toContain('社区综合评价');
    const text = pages.flatMap((p) => p.lines.map((l) => l.join(''))).join('\n');
    for (const f of api.formulas) expect(text).toContain(`${f.name.zh} = ${f.formula.zh}`);
  });

  it('refuses an unknown format and a wall asking for people', async () => {
    const bad = await getBytes(`/api/evaluation/export?level=town&format=docx`);
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { code: string } }).error.code).toBe('invalid_request');
    const people = await getBytes(`/api/evaluation/export?level=inspector&format=pdf`, wall);
    expect(people.status).toBe(403);
  });
});

describe('通报', () => {
  it('names the worst towns and units of the API and the longest-overdue open cases', async () => {
    const res = await getJson<unknown>(`${server.url}/api/reports/notice?period=${lastMonth}`, leader);
    expect(res.status).toBe(200);
    const n = Notice.parse(res.body);
    const towns = EvaluationAnswer.parse((await getJson(`${server.url}/api/evaluation?level=town&period=${lastMonth}`, leader)).body);
    const units = EvaluationAnswer.parse((await getJson(`${server.url}/api/evaluation?level=unit&period=${lastMonth}`, leader)).body);
    const worst = (a: EvaluationAnswer, key: (r: EvaluationRow) => number | null | undefined, k: number) =>
      a.rows.filter((r) => typeof key(r) === 'number').sort((x, y) => key(x)! - key(y)! || (x.code < y.code ? -1 : 1)).slice(0, k).map((r) => r.code);
    expect(n.towns.byScore.map((r) => r.code)).toEqual(worst(towns, (r) => r.score, 3));
    expect(n.towns.byOnTime.map((r) => r.code)).toEqual(worst(towns, (r) => r.indicators.onTimeClosureRate, 3));
    expect(n.units.byScore.map((r) => r.code)).toEqual(worst(units, (r) => r.score, 5));
    expect(n.units.byOnTime.map((r) => r.code)).toEqual(worst(units, (r) => r.indicators.onTimeHandlingRate, 5));
    // The overdue cases of a closed period: as of its end, open then (by the case's own timeline), past
    // the deadline stated, longest first, with the unit that had it then.
    expect(n.period.running).toBe(false);
    expect(n.asOf).toBe(n.period.asOf);
    expect(Date.parse(n.asOf)).toBe(Date.parse(n.period.until));
    expect(n.overdue.length).toBeGreaterThan(0);
    for (const [i, c] of n.overdue.entries()) {
      expect(c.hoursOverdue).toBeCloseTo((Date.parse(n.asOf) - Date.parse(c.dueAt)) / 3_600_000, 1);
      if (i > 0) expect(c.hoursOverdue).toBeLessThanOrEqual(n.overdue[i - 1]!.hoursOverdue);
      const view = CaseView.parse((await getJson(`${server.url}/api/cases/${c.id}`, { cookie: server.adminCookie })).body);
      const then = view.timeline.filter((e) => Date.parse(e.at) <= Date.parse(n.asOf)).at(-1)!.incident;
      expect(['closed', 'rejected', 'suspended'], c.id).not.toContain(then.status);
      expect(then.unitCode, c.id).toBe(c.unitCode);
      expect(view.case.number).toBe(c.number);
    }
  });

  it("the running month's notice is as of now, and lists only cases open now", async () => {
    const before = Date.now();
    const n = Notice.parse((await getJson(`${server.url}/api/reports/notice`, leader)).body);
    expect(n.period.running).toBe(true);
    expect(Date.parse(n.asOf)).toBeGreaterThanOrEqual(before - 1000);
    for (const c of n.overdue.slice(0, 5)) {
      const view = CaseView.parse((await getJson(`${server.url}/api/cases/${c.id}`, { cookie: server.adminCookie })).body);
      expect(['closed', 'rejected', 'suspended']).not.toContain(view.case.status);
      expect(view.case.unitCode).toBe(c.unitCode);
    }
  });

  it('its PDF draws the towns as vector paths and prints the lists; its XLSX holds them', async () => {
    const n = Notice.parse((await getJson(`${server.url}/api/reports/notice?period=${lastMonth}`, leader)).body);
    const pdf = await getBytes(`/api/reports/notice/export?period=${lastMonth}&format=pdf`);
    expect(pdf.status).toBe(200);
    keep('notice.pdf', pdf.bytes);
    const pages = await readPdf(pdf.bytes);
    // Page 1: the map, a filled path per town (and the legend's six swatches).
    expect(pages[0]!.fills).toBeGreaterThanOrEqual(n.townRates.length + 6);
    const lines = pages.flatMap((p) => p.lines.map((l) => l.join('|')));
    for (const t of n.townRates) expect(lines.some((l) => l.includes(t.name.zh))).toBe(true);
    const list = (r: Notice['towns']['byScore'][number]) => [printed('rank', r.rank), r.name.zh, printed('score', r.score), printed('rate', r.onTimeRate), printed('rank', r.previousRank)].join('|');
    for (const r of [...n.towns.byScore, ...n.towns.byOnTime, ...n.units.byScore, ...n.units.byOnTime]) expect(lines).toContain(list(r));
    // The overdue cases' hours as the JSON gives them (the export is drawn up seconds later: its own figures are checked to the hour).
    // The instant the overdue cases are judged at, in the subtitle and the list's heading.
    expect(lines.some((l) => l.includes(`截至 ${localTime(n.asOf)}`))).toBe(true);
    const overdueLines = lines.filter((l) => n.overdue.some((c) => l.startsWith(`${c.number ?? c.id}|`)));
    expect(overdueLines.length).toBeGreaterThanOrEqual(Math.min(5, n.overdue.length));
    for (const l of overdueLines) {
      const c = n.overdue.find((x) => l.startsWith(`${x.number ?? x.id}|`))!;
      expect(Math.abs(Number(l.split('|').at(-1)) - c.hoursOverdue)).toBeLessThan(1);
      expect(l).toContain(c.category.zh);
    }

    const xlsx = await getBytes(`/api/reports/notice/export?period=${lastMonth}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const townSheet = wb.getWorksheet('镇街末位')!;
    const codes = townSheet.getColumn(3).values.slice(2);
    expect(codes).toEqual([...n.towns.byScore, ...n.towns.byOnTime].map((r) => r.code));
    expect(townSheet.getColumn(6).values.slice(2)).toEqual([...n.towns.byScore, ...n.towns.byOnTime].map((r) => r.onTimeRate ?? undefined));
    const cases = wb.getWorksheet('超期案件')!;
    expect(cases.rowCount - 1).toBe(n.overdue.length);
  });

  it('is read with analytics.read only, and a bad period is refused', async () => {
    expect((await getBytes(`/api/reports/notice`, wall)).status).toBe(403);
    const bad = await getBytes(`/api/reports/notice?period=2026-13`);
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});

describe('scheduled reports', () => {
  async function listed(): Promise<ReportList['reports']> {
    const res = await getJson<unknown>(`${server.url}/api/reports`, leader);
    expect(res.status).toBe(200);
    return ReportList.parse(res.body).reports;
  }
  async function caughtUp(s: TestServer, times: number): Promise<void> {
    const t0 = Date.now();
    while (s.logs.filter((l) => l.includes('scheduled reports caught up')).length < times) {
      if (Date.now() - t0 > 120_000) throw new Error('reports not caught up:\n' + s.logs.slice(-20).join('\n'));
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('makes the runs missed since the history began at start, once each, and a restart makes none again', async () => {
    await caughtUp(server, 1);
    const first = await listed();
    const now = Date.now();
    const lastWeekRun = first.find((r) => r.kind === 'weekly');
    // The last week and month that ended are there, each stated for the run that reports on it.
    expect(first.some((r) => r.kind === 'monthly' && r.period === lastMonth)).toBe(true);
    expect(lastWeekRun).toBeDefined();
    for (const r of first) {
      expect(Date.parse(r.dueAt)).toBeLessThanOrEqual(now);
      expect(r.period).toBe(periodOfRun(r.kind, Date.parse(r.dueAt)));
      expect(r.files.map((f) => f.format).sort()).toEqual(['pdf', 'xlsx']);
    }
    // The history began 21 days before the start (its first case within the first day of those): the
    // runs are those whose period ended after it began.
    const key = (r: { kind: string; period: string }) => `${r.kind} ${r.period}`;
    const runs = (daysBack: number) => (['weekly', 'monthly'] as const).flatMap((k) => dueRuns(k, now, now - daysBack * 86_400_000, CATCH_UP[k]).map(key));
    expect(runs(20).every((k) => first.map(key).includes(k))).toBe(true);
    expect(first.map(key).every((k) => runs(21).includes(k))).toBe(true);
    expect(first.filter((r) => r.kind === 'weekly').length).toBeGreaterThanOrEqual(2);
    expect(new Set(first.map((r) => `${r.kind} ${r.period}`)).size).toBe(first.length);

    const pdf = await getBytes(`/api/reports/${lastWeekRun!.id}/download?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.bytes.length).toBe(lastWeekRun!.files.find((f) => f.format === 'pdf')!.bytes);
    keep('report-weekly.pdf', pdf.bytes);
    const pages = await readPdf(pdf.bytes);
    expect(pages.flatMap((p) => p.lines.map((l) => l.join(''))).join('\n')).toContain('镇街综合评价排名');
    const xlsx = await getBytes(`/api/reports/${lastWeekRun!.id}/download?format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.bytes.subarray(0, 2).toString()).toBe('PK');
    const entries = (await getJson<{ action: string; objectId: string; actor: string }[]>(`${server.url}/api/audit?limit=200`, { cookie: server.adminCookie })).body;
    expect(entries.filter((e) => e.action === 'report.generate').map((e) => e.objectId).sort()).toEqual(first.map((r) => r.id).sort());

    // Stopped and started again (without the font this time): nothing is made twice.
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, env: { HISTORY_DAYS: '21', PDF_FONT: '/nonexistent/NotoSansCJK.ttc' } });
    leader = { token: await createToken(server.url, server.adminCookie, 'leader', 'leader after the restart') };
    await caughtUp(server, 1);
    expect(await listed()).toEqual(first);
    expect(server.logs.some((l) => l.includes('"made":[]'))).toBe(true);
    // The reports made stay downloadable; a new PDF needs the font, and says which package has it.
    expect((await getBytes(`/api/reports/${lastWeekRun!.id}/download?format=pdf`)).status).toBe(200);
    const missing = await getBytes(`/api/evaluation/export?level=town&format=pdf`);
    expect(missing.status).toBe(503);
    expect(missing.json).toMatchObject({ error: { code: 'pdf_font_missing' } });
    expect((missing.json as { error: { message: string } }).error.message).toContain('fonts-noto-cjk');
    expect((await getBytes(`/api/reports/notice/export?format=pdf`)).status).toBe(503);
    expect((await getBytes(`/api/evaluation/export?level=town&format=xlsx`)).status).toBe(200);
  }, 240_000);

  it('refuses unknown reports, formats and readers without analytics.read', async () => {
    expect((await getBytes(`/api/reports/weekly-1999-W01/download`)).status).toBe(404);
    expect((await getBytes(`/api/reports/..%2F..%2Fetc/download`)).status).toBe(400);
    expect((await getBytes(`/api/reports?kind=daily`)).status).toBe(400);
    expect((await getBytes(`/api/reports`, wall)).status).toBe(403);
  });
});
