/**
 * The evaluation figures of the simulated history, by town and by unit: what a new user's first
 * review ranks (see README "The simulated history").
 *
 *   npx tsx scripts/history-figures.ts                 # a fresh data dir, HISTORY_DAYS=90, then the figures
 *   npx tsx scripts/history-figures.ts --days 30       # another length of history
 *   npx tsx scripts/history-figures.ts --data-dir DIR  # the figures of a server's existing data dir
 *   npx tsx scripts/history-figures.ts --keep          # keep the fresh data dir (its path is printed)
 *   npx tsx scripts/history-figures.ts --evaluate      # also ask the server's evaluation (GET /api/evaluation) for the period
 *
 * A fresh data dir is filled by the real server (server/index.ts, SIM off), as a user's first start
 * does, and stopped once it listens. The figures are SQL over the incidents table and the event log:
 *   due          应结案数: registered cases whose closure deadline fell in the period, less the suspended
 *   closure      结案率 = closed / due;  on-time closure 按期结案率 = closed by close_deadline_at / due
 *   on-time handl. 按期处置率 = handled (last report-handled) by deadline_at / cases whose handling deadline fell in the period
 *   rework       返工率 = cases reworked / cases handled
 *   suspended    挂账 share of registered cases;  public: hotline_12345 + citizen_app share of registered
 *   handling h   mean and median hours from the first dispatch to the last report-handled
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';

const ROOT = join(import.meta.dirname, '..');
const CITY_CACHE = join(ROOT, 'var', 'test-cache');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const days = Number(arg('--days') ?? 90);
const keep = process.argv.includes('--keep');
let dataDir = arg('--data-dir');

const PASSWORD = 'history-figures-only-0';

/**
 * Starts the server on a data dir (a fresh one is filled with the history), waits until it listens,
 * runs `whileUp` against it, and stops it.
 */
async function withServer(dir: string, whileUp: (url: string) => Promise<void> = async () => {}): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'index.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, CITY_CACHE_DIR: CITY_CACHE, SIM: 'off', HISTORY_DAYS: String(days), LOG_LEVEL: 'info', GRIDWATCH_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stderr! }).on('line', (l) => logs.push(l));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      logs.push(line);
      try {
        const e = JSON.parse(line) as { msg?: string; ms?: number; stored?: number; url?: string };
        if (e.msg === 'history back-filled') console.log(`history back-filled: ${e.stored} cases in ${e.ms} ms`);
        if (e.msg === 'GridWatch listening' && e.url) resolve(e.url);
      } catch {
        // not a log line
      }
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${logs.slice(-30).join('\n')}`)));
  });
  try {
    await whileUp(url);
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
}

interface EvaluationRow {
  code: string;
  name: { zh: string; en: string };
  indicators: Record<string, number | null>;
  score: number | null;
  rank: number | null;
}

/** The server's own evaluation (综合评价) of the period, by town and by unit, signed in as the admin. */
async function evaluate(url: string, fromMs: number, asOfMs: number): Promise<void> {
  const origin = new URL(url).origin;
  const login = await fetch(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} (--evaluate needs a data dir this script filled)`);
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  // Whole local days (China time) of the period: the day after `from` to the day of `asOf`.
  const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const period = `${day(fromMs + 86_400_000)}..${day(asOfMs)}`;
  const ids = ['closureRate', 'onTimeClosureRate', 'onTimeHandlingRate', 'reworkRate', 'publicShare', 'handlingRate', 'extensionRate'];
  for (const level of ['town', 'unit']) {
    const res = await fetch(`${origin}/api/evaluation?level=${level}&period=${period}`, { headers: { cookie, origin } });
    if (res.status !== 200) {
      console.log(`\nEVALUATION ${level}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      continue;
    }
    const a = (await res.json()) as { rows: EvaluationRow[] };
    console.log(`\nEVALUATION (GET /api/evaluation?level=${level}&period=${period})`);
    console.log(['', 'rank', 'score', ...ids].map((h, i) => (i === 0 ? h.padEnd(30) : h.slice(0, 11).padStart(12))).join(''));
    for (const r of a.rows) {
      const v = ids.map((id) => {
        const x = r.indicators[id];
        return x === null || x === undefined ? '—' : id.endsWith('Rate') || id === 'publicShare' ? `${(100 * x).toFixed(1)}%` : String(x);
      });
      console.log(`${r.code} ${r.name.zh}`.slice(0, 29).padEnd(30) + [String(r.rank ?? '—'), r.score === null ? '—' : r.score.toFixed(1), ...v].map((c) => c.padStart(12)).join(''));
    }
  }
}

function names(): Map<string, string> {
  const out = new Map<string, string>();
  const catalog = JSON.parse(readFileSync(join(ROOT, 'data', 'catalog', 'catalog.json'), 'utf8')) as { departments: { code: string; name: { zh: string } }[] };
  for (const d of catalog.departments) out.set(d.code, d.name.zh);
  const file = readdirSync(CITY_CACHE).find((f) => f.startsWith('city-') && f.endsWith('.json'));
  if (file) {
    const city = JSON.parse(readFileSync(join(CITY_CACHE, file), 'utf8')) as { meta: { towns: { code: string; name: { zh: string; en: string } }[] } };
    for (const t of city.meta.towns) out.set(t.code, `${t.name.zh} ${t.name.en}`);
  }
  return out;
}

interface Row {
  key: string | null;
  registered: number;
  due: number;
  closed: number;
  closedOnTime: number;
  handleDue: number;
  handledOnTime: number;
  handled: number;
  reworked: number;
  suspended: number;
  public: number;
  handlingHours: number | null;
  medianHours?: number | null;
}

function figures(db: Database.Database, by: string, from: number, asOf: number): Row[] {
  // The last report-handled and the first dispatch of each case, from the event log.
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS steps AS
    SELECT incident_rid AS rid,
      MAX(CASE WHEN json_extract(payload, '$.action.name') = 'report-handled' THEN at END) AS handled_at,
      MIN(CASE WHEN json_extract(payload, '$.action.name') = 'dispatch' OR (kind = 'status_changed' AND json_extract(payload, '$.status') = 'dispatched') THEN at END) AS dispatched_at,
      MAX(CASE WHEN json_extract(payload, '$.action.name') = 'verify' THEN at END) AS verified_at,
      MAX(CASE WHEN json_extract(payload, '$.action.name') = 'verify' THEN json_extract(payload, '$.action.actor') END) AS verifier
    FROM events WHERE kind IN ('case_action', 'status_changed') GROUP BY incident_rid`);
  const rows = db
    .prepare(
      `SELECT ${by} AS key,
        COUNT(*) AS registered,
        SUM(close_deadline_at >= @from AND close_deadline_at < @asOf AND status <> 'suspended') AS due,
        SUM(close_deadline_at >= @from AND close_deadline_at < @asOf AND status = 'closed') AS closed,
        SUM(close_deadline_at >= @from AND close_deadline_at < @asOf AND status = 'closed' AND closed_at <= close_deadline_at) AS closedOnTime,
        SUM(deadline_at >= @from AND deadline_at < @asOf AND status <> 'suspended') AS handleDue,
        SUM(deadline_at >= @from AND deadline_at < @asOf AND status <> 'suspended' AND s.handled_at <= deadline_at) AS handledOnTime,
        SUM(s.handled_at IS NOT NULL) AS handled,
        SUM(s.handled_at IS NOT NULL AND rework_count > 0) AS reworked,
        SUM(status = 'suspended') AS suspended,
        SUM(source IN ('hotline_12345', 'citizen_app')) AS public,
        AVG(CASE WHEN s.handled_at IS NOT NULL AND s.dispatched_at IS NOT NULL THEN (s.handled_at - s.dispatched_at) / 3600000.0 END) AS handlingHours
      FROM incidents i LEFT JOIN steps s ON s.rid = i.rid
      WHERE i.reported_at >= @from AND i.reported_at < @asOf AND i.close_deadline_at IS NOT NULL
      GROUP BY ${by} ORDER BY key`,
    )
    .all({ from, asOf }) as Row[];
  // The median too: a few works that drag on for weeks pull the mean far from the typical case.
  const hours = new Map<string | null, number[]>();
  const all: number[] = [];
  for (const { key, h } of db
    .prepare(
      `SELECT ${by} AS key, (s.handled_at - s.dispatched_at) / 3600000.0 AS h FROM incidents i JOIN steps s ON s.rid = i.rid
      WHERE i.reported_at >= @from AND i.reported_at < @asOf AND i.close_deadline_at IS NOT NULL AND s.handled_at IS NOT NULL AND s.dispatched_at IS NOT NULL`,
    )
    .iterate({ from, asOf }) as Iterable<{ key: string | null; h: number }>) {
    (hours.get(key) ?? hours.set(key, []).get(key)!).push(h);
    all.push(h);
  }
  for (const r of rows) r.medianHours = median(hours.get(r.key) ?? []);
  medianOfAll.set(by, median(all));
  return rows;
}

const medianOfAll = new Map<string, number | null>();

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface InspectorRow {
  inspector: string;
  verified: number;
  verifyMinutes: number;
  within30: number;
  public: number;
  reworked: number;
}

/**
 * By the inspector who re-inspected (核查): how many, how long after the handling (mean minutes and
 * the share within 30 minutes), and the public share of those cases (high: the public reports what
 * the inspector misses). The five slowest and the five quickest, of those with 200 or more.
 */
function inspectors(db: Database.Database, from: number, asOf: number): void {
  const rows = db
    .prepare(
      `SELECT s.verifier AS inspector, COUNT(*) AS verified,
        AVG((s.verified_at - s.handled_at) / 60000.0) AS verifyMinutes,
        AVG(s.verified_at - s.handled_at <= 1800000) AS within30,
        AVG(source IN ('hotline_12345', 'citizen_app')) AS public,
        AVG(rework_count > 0) AS reworked
      FROM incidents i JOIN steps s ON s.rid = i.rid
      WHERE i.reported_at >= @from AND i.reported_at < @asOf AND s.verifier IS NOT NULL AND s.handled_at IS NOT NULL
      GROUP BY s.verifier HAVING COUNT(*) >= 200 ORDER BY verifyMinutes DESC`,
    )
    .all({ from, asOf }) as InspectorRow[];
  console.log(`\nBY INSPECTOR (re-inspection after handling; ${rows.length} inspectors with 200+ cases; slowest 5, quickest 5)`);
  console.log(['', 'verified', 'mean min', 'within 30m', 'public', 'rework'].map((h, i) => (i === 0 ? h.padEnd(34) : h.padStart(11))).join(''));
  const show = rows.length > 10 ? [...rows.slice(0, 5), ...rows.slice(-5)] : rows;
  for (const r of show) {
    console.log(r.inspector.slice(0, 33).padEnd(34) + [String(r.verified), r.verifyMinutes.toFixed(0), pct(r.within30, 1), pct(r.public, 1), pct(r.reworked, 1)].map((c) => c.padStart(11)).join(''));
  }
}

const pct = (n: number, d: number) => (d > 0 ? `${((100 * n) / d).toFixed(1)}%` : '—');

function print(title: string, rows: Row[], label: Map<string, string>, allMedian: number | null): void {
  const total: Row = { key: 'ALL', registered: 0, due: 0, closed: 0, closedOnTime: 0, handleDue: 0, handledOnTime: 0, handled: 0, reworked: 0, suspended: 0, public: 0, handlingHours: null };
  let hSum = 0;
  for (const r of rows) {
    for (const k of ['registered', 'due', 'closed', 'closedOnTime', 'handleDue', 'handledOnTime', 'handled', 'reworked', 'suspended', 'public'] as const) total[k] += r[k] ?? 0;
    hSum += (r.handlingHours ?? 0) * r.handled;
  }
  total.handlingHours = total.handled ? hSum / total.handled : null;
  total.medianHours = allMedian;
  console.log(`\n${title}`);
  console.log(['', 'cases', 'due', 'closed', 'closure', 'onTimeClose', 'onTimeHandle', 'rework', 'suspended', 'public', 'handling h', 'median h'].map((h, i) => (i === 0 ? h.padEnd(34) : h.padStart(13))).join(''));
  for (const r of [...rows, total]) {
    const name = r.key === 'ALL' ? 'ALL' : `${r.key ?? '(none)'} ${label.get(r.key ?? '') ?? ''}`;
    const cells = [
      String(r.registered), String(r.due), String(r.closed), pct(r.closed, r.due), pct(r.closedOnTime, r.due), pct(r.handledOnTime, r.handleDue),
      pct(r.reworked, r.handled), pct(r.suspended, r.registered), pct(r.public, r.registered), r.handlingHours === null ? '—' : r.handlingHours.toFixed(1),
      r.medianHours === null || r.medianHours === undefined ? '—' : r.medianHours.toFixed(1),
    ];
    console.log(name.slice(0, 33).padEnd(34) + cells.map((c) => c.padStart(13)).join(''));
  }
}

let fresh: string | undefined;
if (!dataDir) {
  fresh = mkdtempSync(join(tmpdir(), 'gridwatch-history-'));
  dataDir = fresh;
  const t0 = Date.now();
  await withServer(dataDir);
  console.log(`server started and stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dataDir})`);
}
const db = new Database(join(dataDir, 'gridwatch.db'), { readonly: !fresh });
// The period: the `days` before the last thing the store holds (the back-fill's "now").
const asOf = (db.prepare('SELECT MAX(at) AS at FROM events').get() as { at: number }).at + 1;
const from = asOf - days * 86_400_000;
const label = names();
console.log(`period ${new Date(from).toISOString()} .. ${new Date(asOf).toISOString()}`);
print('BY TOWN', figures(db, 'town_code', from, asOf), label, medianOfAll.get('town_code') ?? null);
print('BY UNIT', figures(db, 'unit_code', from, asOf), label, medianOfAll.get('unit_code') ?? null);
inspectors(db, from, asOf);
db.close();
if (process.argv.includes('--evaluate')) await withServer(dataDir, (url) => evaluate(url, from, asOf));
if (fresh && !keep) rmSync(fresh, { recursive: true, force: true });
