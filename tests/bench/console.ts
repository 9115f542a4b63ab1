import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Category, CityMeta, Incident, Team } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, postReports, sendJson, streamClient } from '../support/api.js';
import { browserAvailable, launchBrowser, signInThroughPage } from '../support/browser.js';
import { createToken, createUser } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

/**
 * `npm run bench console`: the dispatch console (/dispatch) under the load issue 5 asks for — a few
 * thousand open cases and 500 teams whose positions arrive every second — in headless Chromium
 * (software WebGL). Measured in the page, each as p50/p95/max:
 *
 * - time from navigation to the first usable queue (rows drawn, every open case counted) and to the
 *   map's load;
 * - main-thread time per `team:positions` message and per burst of stream events (a few reports and
 *   actions committed together): the sum of the renderer main thread's tasks from the message's
 *   arrival until the next message (a Chromium trace; the arrivals are marked by a WebSocket
 *   wrapper), and the longest of those tasks;
 * - from a filter change and from a j/k key press to the next frame painted after it;
 * - opening a case: from the click to its detail, and to its candidate teams.
 *
 * The naive baseline, measured in the same run on the same server and data: the same page with every
 * queue row in the DOM (`?queueBaseline=all`, no windowing). Ratios are naive ÷ shipped.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const DISPATCHER = 'bench-dispatcher';
const DISPATCHER_PASSWORD = 'bench-dispatcher-password';
const SOURCES = ['inspector', 'hotline_12345', 'citizen_app', 'sensor', 'video_ai'] as const;
/** Statuses the open cases are left in, by `index % 4`. */
const STAGES = ['reported', 'accepted', 'registered', 'dispatched'] as const;

export interface Spread {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export interface ConsoleVariantResult {
  method: string;
  /** Navigation → first queue row; → the queue counting every open case; → the map loaded. */
  load: { firstRowMs: Spread; fullQueueMs: Spread; mapMs: Spread };
  /** Per `team:positions` message: main-thread task time until the next message, and its longest task. */
  positions: { mainThreadMs: Spread; longestTaskMs: Spread; tasksOver50ms: number };
  /** Per burst of stream events (the `incident:events` messages of one burst of reports and actions). */
  stream: { events: number; messages: number; mainThreadMs: Spread; longestTaskMs: Spread; tasksOver50ms: number };
  /** Filter change → next frame painted. */
  filterMs: Spread;
  /** j/k key press → next frame painted. */
  moveMs: Spread;
  /**
   * Click on a registered case → its detail shown; → its candidates shown (the page reads the case,
   * then its candidates). For comparison, the server's answer times for the same two reads.
   */
  open: { detailMs: Spread; candidatesMs: Spread; serverDetailMs: Spread; serverCandidatesMs: Spread };
}

export interface ConsoleBenchResult {
  name: 'console';
  openCases: number;
  teams: number;
  teamPositionsMs: number;
  setupSeconds: number;
  results: ConsoleVariantResult[];
  /** Naive baseline ÷ shipped console, on p50 (and p95 for the per-message costs). */
  ratios: Record<string, number>;
  screenshots: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!);
  const r = (x: number) => Number(x.toFixed(1));
  return { n: s.length, p50: r(at(0.5)), p95: r(at(0.95)), max: r(s[s.length - 1] ?? NaN) };
}

/**
 * Installed in the page before its scripts: marks every socket message's arrival (performance.mark,
 * seen in the trace), records when the queue and the map become usable, and times inputs to the next
 * painted frame. A string, not a function: tsx's helpers would not exist in the page.
 */
const INIT_SCRIPT = String.raw`(() => {
  const afterPaint = (cb) => requestAnimationFrame(() => setTimeout(cb, 0));
  const bench = { trace: false, counts: {}, ready: { firstRowAt: null, fullAt: null, mapAt: null }, inputs: [] };
  window.__bench = bench;
  const expected = Number(sessionStorage.getItem('bench-expected') || 1);
  bench.expect = (n) => sessionStorage.setItem('bench-expected', String(n));

  const Native = window.WebSocket;
  class Traced extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        const m = /^42\["([^"]+)"/.exec(e.data.slice(0, 48));
        if (!m) return;
        bench.counts[m[1]] = (bench.counts[m[1]] || 0) + 1;
        if (bench.trace) performance.mark('gw:' + m[1]);
      });
    }
  }
  window.WebSocket = Traced;

  let map;
  Object.defineProperty(window, '__gridwatchDispatchMap', {
    configurable: true,
    get: () => map,
    set: (v) => { map = v; if (bench.ready.mapAt === null) bench.ready.mapAt = performance.now(); },
  });

  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="queue-row"]')) return;
    if (bench.ready.firstRowAt === null) { bench.ready.firstRowAt = -1; afterPaint(() => { bench.ready.firstRowAt = performance.now(); }); }
    const count = document.querySelector('[data-testid="queue-count"]');
    const numbers = (count && count.textContent || '').replace(/,/g, '').match(/\d+/g) || [];
    if (numbers.length >= 2 && Number(numbers[1]) >= expected) {
      observer.disconnect();
      afterPaint(() => { bench.ready.fullAt = performance.now(); });
    }
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });

  for (const type of ['keydown', 'change']) {
    window.addEventListener(type, (e) => {
      const rec = { type, what: e.key || (e.target && e.target.value) || '', ms: null };
      const t0 = e.timeStamp;
      bench.inputs.push(rec);
      afterPaint(() => { rec.ms = performance.now() - t0; });
    }, true);
  }

  // Resolves with the time (performance.now) of the first frame painted once pred() holds.
  bench.when = (pred, what, timeoutMs = 30000) => new Promise((resolve, reject) => {
    const done = () => afterPaint(() => resolve(performance.now()));
    if (pred()) return done();
    const timer = setTimeout(() => { o.disconnect(); reject(new Error('timed out waiting for ' + what)); }, timeoutMs);
    const o = new MutationObserver(() => { if (pred()) { o.disconnect(); clearTimeout(timer); done(); } });
    o.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });

  bench.openCase = async (id) => {
    const row = document.querySelector('[data-testid="queue-row"][data-id="' + id + '"]');
    if (!row) throw new Error('no row ' + id);
    const t0 = performance.now();
    row.click();
    const detail = '[data-testid="case-detail"][data-id="' + id + '"]';
    const detailAt = await bench.when(() => document.querySelector(detail), 'the detail of ' + id);
    const candidatesAt = await bench.when(() => document.querySelector(detail + ' [data-testid="candidate"]'), 'the candidates of ' + id);
    return { detailMs: detailAt - t0, candidatesMs: candidatesAt - t0 };
  };
})();`;

type BenchWindow = {
  __bench: {
    trace: boolean;
    counts: Record<string, number>;
    ready: { firstRowAt: number | null; fullAt: number | null; mapAt: number | null };
    inputs: { type: string; what: string; ms: number | null }[];
    expect(n: number): void;
    openCase(id: string): Promise<{ detailMs: number; candidatesMs: number }>;
  };
};

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
}

/**
 * From a Chromium trace: for each message marked in the page (`gw:<event>`), the renderer main
 * thread's task time from its arrival until the next message, and the longest task. Marks of one
 * kind closer than `mergeMs` are one burst.
 */
export function costsPerMessage(trace: Buffer, mergeMs = 350): Map<string, { count: number; mainThreadMs: number[]; longestTaskMs: number[]; over50: number }> {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const marks = events.filter((e) => e.name.startsWith('gw:') && e.cat.includes('user_timing')).sort((a, b) => a.ts - b.ts);
  const out = new Map<string, { count: number; mainThreadMs: number[]; longestTaskMs: number[]; over50: number }>();
  if (marks.length === 0) return out;
  const { pid, tid } = marks[0]!;
  const taskName = events.some((e) => e.name === 'RunTask' && e.pid === pid && e.tid === tid) ? 'RunTask' : 'ThreadControllerImpl::RunTask';
  const tasks = events.filter((e) => e.ph === 'X' && e.name === taskName && e.pid === pid && e.tid === tid && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  // Nested run loops aside, tasks do not overlap; drop any inside another.
  const top: TraceEvent[] = [];
  for (const t of tasks) if (top.length === 0 || t.ts >= top[top.length - 1]!.ts + top[top.length - 1]!.dur!) top.push(t);
  // Bursts: consecutive marks of one kind within mergeMs of the burst's first.
  const bursts: { kind: string; start: number; messages: number }[] = [];
  for (const m of marks) {
    const kind = m.name.slice(3);
    const last = bursts[bursts.length - 1];
    if (last && last.kind === kind && m.ts - last.start < mergeMs * 1000) last.messages++;
    else bursts.push({ kind, start: m.ts, messages: 1 });
  }
  // Each task belongs to the window it starts in, except that the task a message arrives in (the
  // mark lies inside it) belongs to that message's window; tasks before the first window are not counted.
  const sums = bursts.map(() => ({ sum: 0, longest: 0, over50: 0 }));
  let w = 0;
  for (const t of top) {
    while (w + 1 < bursts.length && bursts[w + 1]!.start <= t.ts) w++;
    let k = w;
    if (k + 1 < bursts.length && bursts[k + 1]!.start < t.ts + t.dur!) k++;
    if (t.ts + t.dur! <= bursts[0]!.start || (k === bursts.length - 1 && t.ts >= bursts[k]!.start + 1_000_000)) continue;
    const acc = sums[k]!;
    acc.sum += t.dur!;
    acc.longest = Math.max(acc.longest, t.dur!);
    if (t.dur! > 50_000) acc.over50++;
  }
  bursts.forEach((b, k) => {
    const entry = out.get(b.kind) ?? { count: 0, mainThreadMs: [], longestTaskMs: [], over50: 0 };
    entry.count += b.messages;
    entry.mainThreadMs.push(sums[k]!.sum / 1000);
    entry.longestTaskMs.push(sums[k]!.longest / 1000);
    entry.over50 += sums[k]!.over50;
    out.set(b.kind, entry);
  });
  return out;
}

interface Setup {
  server: TestServer;
  teams: Team[];
  openCases: number;
  /** Cases left reported, with their version: the stream bursts accept them. */
  reported: { id: string; version: number }[];
  nextReport: (n: number) => Promise<void>;
  stopGateway: () => Promise<void>;
  /** Resolves at the next `team:positions` a socket client receives. */
  nextPositions: () => Promise<void>;
  city: CityMeta;
  seconds: number;
}

async function setUp(openCases: number, teamsPerBase: number, teamPositionsMs: number): Promise<Setup> {
  const server = await startServer({ env: { TEAMS_PER_BASE: String(teamsPerBase), TEAM_POSITIONS_MS: String(teamPositionsMs) } });
  try {
    return await fill(server, openCases);
  } catch (err) {
    await server.stop();
    removeDataDir(server.dataDir);
    throw err;
  }
}

/** Reports the open cases and moves them on, and starts the GPS gateway. */
async function fill(server: TestServer, openCases: number): Promise<Setup> {
  const t0 = Date.now();
  await createUser(server.url, server.adminCookie, DISPATCHER, 'dispatcher', DISPATCHER_PASSWORD);
  const gateway = { token: await createToken(server.url, server.adminCookie, 'field', 'bench-gps-gateway') };
  const teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
  const categories = (await getJson<Category[]>(`${server.url}/api/categories`)).body;
  const city = (await getJson<CityMeta>(`${server.url}/api/city`)).body;
  const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  // Categories some team handles, so every case can be dispatched; a spread of them for the filters.
  const handled = new Set(teams.flatMap((t) => t.categories));
  const codes = categories.filter((c) => handled.has(c.code)).map((c) => c.code);
  const ableFor = new Map(codes.map((code) => [code, teams.filter((t) => t.categories.includes(code))]));
  const points = pointsInCells(cells, openCases + 2000, 7919);
  const now = Date.now();
  let reportIndex = 0;
  const report = (i: number) => ({
    categoryCode: codes[(i * 7) % codes.length]!,
    lon: points[i]!.lon,
    lat: points[i]!.lat,
    source: SOURCES[i % SOURCES.length],
    description: `调度台压测案件 ${i + 1}`,
    // Reported over the last three hours: some are past a deadline, most are not.
    reportedAt: i < openCases ? new Date(now - ((i * 37) % 180) * 60_000).toISOString() : undefined,
  });
  const answers = await postReports(server.url, openCases, report);
  reportIndex = openCases;
  const created = answers.map((a) => {
    if (a.status !== 201) throw new Error(`report refused: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body as Incident;
  });

  // Move three cases in four on through the workflow: accepted, registered, dispatched.
  const reported: { id: string; version: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < created.length) {
        const k = next++;
        const c = created[k]!;
        const target = STAGES[k % STAGES.length]!;
        if (target === 'reported') {
          reported.push({ id: c.id, version: c.version });
          continue;
        }
        const steps: [string, Record<string, unknown>][] = [['accept', {}], ['register', {}], ['dispatch', { teamId: ableFor.get(c.categoryCode)![k % ableFor.get(c.categoryCode)!.length]!.id }]];
        let version = c.version;
        for (const [action, extra] of steps.slice(0, STAGES.indexOf(target))) {
          const r = await postJson<{ case: Incident }>(`${server.url}/api/cases/${c.id}/actions`, { action, version, ...extra });
          if (r.status !== 200) throw new Error(`${action} refused: ${r.status} ${JSON.stringify(r.body)}`);
          version = r.body.case.version;
        }
      }
    }),
  );

  // A GPS gateway reports every team every second: a slow random walk around its base, and a fixed
  // status per team (mostly available) so the map shows every state. The teams on duty round the
  // clock stay available, so every case has candidates at any hour (off shift, the others are off duty).
  const statuses = ['available', 'available', 'available', 'available', 'available', 'available', 'en_route', 'on_site', 'off_duty', 'offline'] as const;
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const where = teams.map((t) => ({ lon: t.position!.lon + (random() - 0.5) * 0.014, lat: t.position!.lat + (random() - 0.5) * 0.012 }));
  let sending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    for (const p of where) {
      p.lon += (random() - 0.5) * 0.0008;
      p.lat += (random() - 0.5) * 0.0006;
    }
    sending = sendJson('POST', `${server.url}/api/teams/positions`, {
      positions: teams.map((t, k) => ({ teamId: t.id, lon: where[k]!.lon, lat: where[k]!.lat, status: t.shift?.start === '00:00' && t.shift.end === '24:00' ? 'available' : statuses[k % statuses.length] })),
    }, gateway).then((r) => {
      if (r.status !== 204) console.error(`positions refused: ${r.status} ${JSON.stringify(r.body)}`);
    });
  }, 1000);

  const watcher = streamClient(server.url);
  let waiting: (() => void)[] = [];
  watcher.socket.on('team:positions', () => {
    const w = waiting;
    waiting = [];
    for (const resolve of w) resolve();
  });

  return {
    server,
    teams,
    openCases,
    reported,
    city,
    nextReport: async (n: number) => {
      const start = reportIndex;
      reportIndex += n;
      const r = await postReports(server.url, n, (i) => report(start + i), n);
      if (r.some((a) => a.status !== 201)) throw new Error('a stream report was refused');
    },
    stopGateway: async () => {
      clearInterval(timer);
      watcher.socket.close();
      await sending;
    },
    nextPositions: () => new Promise<void>((resolve) => waiting.push(resolve)),
    seconds: (Date.now() - t0) / 1000,
  };
}

async function measureVariant(
  browser: Browser,
  context: BrowserContext,
  setup: Setup,
  method: string,
  query: string,
  screenshots: string[] | null,
  profileDir: string | null,
): Promise<ConsoleVariantResult> {
  const { server } = setup;
  const load = { firstRow: [] as number[], full: [] as number[], map: [] as number[] };
  let page: Page | null = null;
  const expected = (await getJson<{ open: Record<string, number> }>(`${server.url}/api/cases/summary`)).body;
  const openNow = Object.values(expected.open).reduce((a, b) => a + b, 0);
  for (let rep = 0; rep < 3; rep++) {
    await page?.close();
    page = await context.newPage();
    // The page reads the number of open cases to wait for from sessionStorage at its start.
    await page.goto(`${server.url}/api/health`);
    await page.evaluate((n) => sessionStorage.setItem('bench-expected', String(n)), openNow);
    await page.goto(`${server.url}/dispatch${query}`);
    await page.waitForFunction(() => {
      const r = (window as unknown as BenchWindow).__bench.ready;
      return r.fullAt !== null && r.mapAt !== null && (r.firstRowAt ?? -1) >= 0;
    }, null, { timeout: 120_000 });
    const ready = await page.evaluate(() => (window as unknown as BenchWindow).__bench.ready);
    load.firstRow.push(ready.firstRowAt!);
    load.full.push(ready.fullAt!);
    load.map.push(ready.mapAt!);
  }
  page = page!;
  await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => (window as unknown as BenchWindow).__bench.counts['team:positions']! >= 2, null, { timeout: 30_000 });
  await sleep(1500);
  if (screenshots) {
    const file = join(ARTIFACTS, 'console-load-overview.png');
    await page.screenshot({ path: file });
    screenshots.push(file);
  }

  // As a dispatcher works: a registered case open, its candidates' routes on the map, the queue
  // back on its default filter.
  await page.getByTestId('filter-state').selectOption('registered');
  const working = await page.locator('[data-testid="queue-row"]').first().getAttribute('data-id');
  await page.evaluate((caseId) => (window as unknown as BenchWindow).__bench.openCase(caseId), working!);
  await page.getByTestId('filter-state').selectOption('needs-action');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await sleep(1500);

  // Per message: twelve seconds of positions alone, then ten bursts of stream events, each about
  // 400 ms after a positions message so the two do not share a window.
  // Where the time goes, when asked: the trace with JavaScript's entry points, and a CPU profile of
  // the same period (both open in Chrome's DevTools).
  const profiler = profileDir ? await page.context().newCDPSession(page) : null;
  await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline', 'blink.user_timing', ...(profileDir ? ['devtools.timeline'] : [])] });
  if (profiler) {
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.start');
  }
  await page.evaluate(() => ((window as unknown as BenchWindow).__bench.trace = true));
  await sleep(12_000);
  let streamEvents = 0;
  for (let b = 0; b < 10; b++) {
    await setup.nextPositions();
    await sleep(400);
    const accepts = setup.reported.splice(0, 4);
    await Promise.all([
      setup.nextReport(6),
      ...accepts.map((c) => postJson(`${server.url}/api/cases/${c.id}/actions`, { action: 'accept', version: c.version })),
    ]);
    streamEvents += 6 + accepts.length;
  }
  await setup.nextPositions();
  await sleep(1200);
  await page.evaluate(() => ((window as unknown as BenchWindow).__bench.trace = false));
  const trace = await browser.stopTracing();
  if (profileDir && profiler) {
    const { profile } = await profiler.send('Profiler.stop');
    writeFileSync(join(profileDir, `console-${query ? 'naive' : 'shipped'}.cpuprofile`), JSON.stringify(profile));
    writeFileSync(join(profileDir, `console-${query ? 'naive' : 'shipped'}.trace.json`), trace);
  }
  const costs = costsPerMessage(trace);
  const pos = costs.get('team:positions') ?? { count: 0, mainThreadMs: [], longestTaskMs: [], over50: 0 };
  const str = costs.get('incident:events') ?? { count: 0, mainThreadMs: [], longestTaskMs: [], over50: 0 };

  // Filter changes.
  const towns = setup.city.towns.map((t) => t.code);
  const changes: [string, string][] = [
    ['filter-state', 'all-open'], ['filter-state', 'registered'], ['filter-state', 'dispatched'], ['filter-state', 'overdue'],
    ['filter-state', 'needs-action'], ['filter-town', towns[0]!], ['filter-town', towns[1]!], ['filter-town', towns[2]!], ['filter-town', ''],
    ['filter-source', 'inspector'], ['filter-source', ''], ['filter-state', 'accepted'], ['filter-state', 'reported'], ['filter-state', 'all-open'],
  ];
  await page.evaluate(() => ((window as unknown as BenchWindow).__bench.inputs = []));
  for (const [id, value] of changes) {
    await page.getByTestId(id).selectOption(value);
    await sleep(300);
  }
  // j/k through the whole open queue.
  // The keys act only outside form fields: take the focus off the last select.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let k = 0; k < 40; k++) {
    await page.keyboard.press(k < 30 ? 'j' : 'k');
    await sleep(120);
  }
  await sleep(300);
  const inputs = await page.evaluate(() => (window as unknown as BenchWindow).__bench.inputs);
  const filterMs = inputs.filter((i) => i.type === 'change' && i.ms !== null).map((i) => i.ms!);
  const moveMs = inputs.filter((i) => i.type === 'keydown' && (i.what === 'j' || i.what === 'k') && i.ms !== null).map((i) => i.ms!);

  // Opening registered cases: detail, then candidates.
  await page.getByTestId('filter-state').selectOption('registered');
  await sleep(300);
  const ids = await page.locator('[data-testid="queue-row"]').evaluateAll((rows) => rows.slice(0, 8).map((r) => r.getAttribute('data-id')!));
  const detail: number[] = [];
  const cands: number[] = [];
  for (const id of ids) {
    const r = await page.evaluate((caseId) => (window as unknown as BenchWindow).__bench.openCase(caseId), id).catch(async (err: unknown) => {
      await page.screenshot({ path: join(ARTIFACTS, 'console-load-failed.png') });
      throw err;
    });
    detail.push(r.detailMs);
    cands.push(r.candidatesMs);
    await sleep(700);
  }
  if (screenshots) {
    await sleep(800);
    const file = join(ARTIFACTS, 'console-load-case.png');
    await page.screenshot({ path: file });
    screenshots.push(file);
  }
  await page.close();
  // The server's share of opening a case: the same two reads from here, with no page open.
  const serverDetail: number[] = [];
  const serverCands: number[] = [];
  for (const id of ids) {
    let t = performance.now();
    await getJson(`${server.url}/api/cases/${id}`);
    serverDetail.push(performance.now() - t);
    t = performance.now();
    await getJson(`${server.url}/api/cases/${id}/candidates`);
    serverCands.push(performance.now() - t);
  }
  return {
    method,
    load: { firstRowMs: spread(load.firstRow), fullQueueMs: spread(load.full), mapMs: spread(load.map) },
    positions: { mainThreadMs: spread(pos.mainThreadMs), longestTaskMs: spread(pos.longestTaskMs), tasksOver50ms: pos.over50 },
    stream: { events: streamEvents, messages: str.count, mainThreadMs: spread(str.mainThreadMs), longestTaskMs: spread(str.longestTaskMs), tasksOver50ms: str.over50 },
    filterMs: spread(filterMs),
    moveMs: spread(moveMs),
    open: { detailMs: spread(detail), candidatesMs: spread(cands), serverDetailMs: spread(serverDetail), serverCandidatesMs: spread(serverCands) },
  };
}

/**
 * `profileDir`: also write each variant's trace and a CPU profile of the traced period there.
 * `shippedOnly`: skip the naive baseline (for looking into the shipped console alone).
 * `reducedMotion`: the browser asks for reduced motion, so the map jumps instead of animating to an
 * opened case (MapLibre honours it): how much of opening a case is the map's animation.
 */
export async function benchConsole(
  opts: { openCases?: number; teamsPerBase?: number; teamPositionsMs?: number; profileDir?: string; shippedOnly?: boolean; reducedMotion?: boolean } = {},
): Promise<ConsoleBenchResult | null> {
  if (!browserAvailable()) return null;
  const openCases = opts.openCases ?? 2400;
  const teamPositionsMs = opts.teamPositionsMs ?? 1000;
  const setup = await setUp(openCases, opts.teamsPerBase ?? 16, teamPositionsMs);
  const browser = await launchBrowser();
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, reducedMotion: opts.reducedMotion ? 'reduce' : 'no-preference' });
    await context.addInitScript({ content: INIT_SCRIPT });
    const login = await context.newPage();
    await signInThroughPage(login, `${setup.server.url}/dispatch`, DISPATCHER, DISPATCHER_PASSWORD);
    await login.close();
    const screenshots: string[] = [];
    const profileDir = opts.profileDir ?? null;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const shipped = await measureVariant(browser, context, setup, 'windowed queue (as shipped)', '', screenshots, profileDir);
    if (opts.shippedOnly) {
      return { name: 'console', openCases, teams: setup.teams.length, teamPositionsMs, setupSeconds: Number(setup.seconds.toFixed(1)), results: [shipped], ratios: {}, screenshots };
    }
    const naive = await measureVariant(browser, context, setup, 'every queue row rendered (naive baseline)', '?queueBaseline=all', null, profileDir);
    const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
    return {
      name: 'console',
      openCases,
      teams: setup.teams.length,
      teamPositionsMs,
      setupSeconds: Number(setup.seconds.toFixed(1)),
      results: [shipped, naive],
      ratios: {
        fullQueueP50: ratio(naive.load.fullQueueMs.p50, shipped.load.fullQueueMs.p50),
        positionsMainThreadP50: ratio(naive.positions.mainThreadMs.p50, shipped.positions.mainThreadMs.p50),
        positionsMainThreadP95: ratio(naive.positions.mainThreadMs.p95, shipped.positions.mainThreadMs.p95),
        streamMainThreadP50: ratio(naive.stream.mainThreadMs.p50, shipped.stream.mainThreadMs.p50),
        streamMainThreadP95: ratio(naive.stream.mainThreadMs.p95, shipped.stream.mainThreadMs.p95),
        filterP50: ratio(naive.filterMs.p50, shipped.filterMs.p50),
        moveP50: ratio(naive.moveMs.p50, shipped.moveMs.p50),
        openDetailP50: ratio(naive.open.detailMs.p50, shipped.open.detailMs.p50),
      },
      screenshots,
    };
  } finally {
    await browser.close();
    await setup.stopGateway();
    await setup.server.stop();
    removeDataDir(setup.server.dataDir);
  }
}

/** The result as rows for console.table. */
export function consoleTable(r: ConsoleBenchResult): Record<string, string | number>[] {
  const f = (s: Spread) => `${s.p50} / ${s.p95} / ${s.max} (n=${s.n})`;
  const rows: Record<string, string | number>[] = [];
  const what: [string, (v: ConsoleVariantResult) => Spread][] = [
    ['load → first queue row', (v) => v.load.firstRowMs],
    ['load → full queue (every open case)', (v) => v.load.fullQueueMs],
    ['load → map loaded', (v) => v.load.mapMs],
    ['team:positions: main thread per message', (v) => v.positions.mainThreadMs],
    ['team:positions: longest task', (v) => v.positions.longestTaskMs],
    ['stream burst: main thread per burst', (v) => v.stream.mainThreadMs],
    ['stream burst: longest task', (v) => v.stream.longestTaskMs],
    ['filter change → next frame', (v) => v.filterMs],
    ['j/k → next frame', (v) => v.moveMs],
    ['open case → detail', (v) => v.open.detailMs],
    ['open case → candidates', (v) => v.open.candidatesMs],
    ['  server: GET /api/cases/:id', (v) => v.open.serverDetailMs],
    ['  server: GET /api/cases/:id/candidates', (v) => v.open.serverCandidatesMs],
  ];
  for (const [label, get] of what) {
    const row: Record<string, string | number> = { 'ms p50 / p95 / max': label };
    for (const v of r.results) row[v.method] = f(get(v));
    rows.push(row);
  }
  return rows;
}
