import { pinyin } from 'pinyin-pro';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectTaskOf, type Category, type Incident, type Place, type TrackerPosition } from '../../shared/index.js';
import { countUse, favouriteCategories, indexCategories, searchCategories } from '../../client/inspect/categorySearch.js';
import { withFix } from '../../client/inspect/duty.js';
import { followUp, InspectOutbox, type QueuedReport } from '../../client/inspect/inspectOutbox.js';
import { myReportState, reportQueued, reportUpdated } from '../../client/inspect/myReports.js';
import { draftPoint, draftProblems, draftReducer, EMPTY_DRAFT, reportOf } from '../../client/inspect/reportDraft.js';
import type { PhotoStore } from '../../client/phone/photoStore.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';

const catalog = loadCatalog().categories;
const initials = (zh: string) => pinyin(zh, { pattern: 'first', toneType: 'none', type: 'array' }).join('');
const entries = indexCategories(catalog, initials);
const codes = (list: readonly Category[]) => list.map((c) => c.code);
const byName = (zh: string) => catalog.find((c) => c.name.zh === zh)!;

describe('the inspector phone: category search', () => {
  it('finds a category by code, Chinese name, pinyin initials or English name, best match first', () => {
    const garbage = byName('暴露垃圾');
    expect(garbage.code).toBe('E0102');
    expect(codes(searchCategories(entries, 'E0102'))[0]).toBe('E0102');
    expect(codes(searchCategories(entries, 'e01')).every((c) => c.startsWith('E01'))).toBe(true);
    expect(codes(searchCategories(entries, '暴露垃圾'))[0]).toBe('E0102');
    expect(codes(searchCategories(entries, 'bllj'))[0]).toBe('E0102');
    // Part of the name: the names that start with it before those that only contain it.
    const garbageAnywhere = searchCategories(entries, '垃圾', {}, 50);
    expect(codes(garbageAnywhere)).toContain('E0102');
    const starts = garbageAnywhere.findIndex((c) => !c.name.zh.startsWith('垃圾'));
    expect(garbageAnywhere.slice(starts).every((c) => !c.name.zh.startsWith('垃圾'))).toBe(true);
    expect(codes(searchCategories(entries, 'garbage'))).toContain('E0102');
    // Full-width letters fold, spaces do not matter.
    expect(codes(searchCategories(entries, 'ＢＬ ＬＪ'))[0]).toBe('E0102');
    expect(searchCategories(entries, 'zzzzqqq')).toEqual([]);
  });

  it('puts what this inspector reports most first: within a match, and with nothing typed', () => {
    const e01 = searchCategories(entries, 'E01', {}, 50);
    const last = e01.at(-1)!;
    let use = countUse({}, last.code);
    use = countUse(use, last.code);
    use = countUse(use, 'C0101');
    expect(use).toEqual({ [last.code]: 2, C0101: 1 });
    // Among the codes starting E01, the one used twice first; the rest keep the catalog's order.
    expect(codes(searchCategories(entries, 'E01', use, 50))).toEqual([last.code, ...codes(e01).filter((c) => c !== last.code)]);
    // A better match still comes first: the exact code beats the inspector's favourite.
    expect(codes(searchCategories(entries, 'E0102', use))[0]).toBe('E0102');
    // Nothing typed: the favourites first, then the catalog.
    const all = searchCategories(entries, '', use, 5);
    expect(codes(all)).toEqual([last.code, 'C0101', ...codes(catalog).filter((c) => c !== last.code && c !== 'C0101').slice(0, 3)]);
    expect(codes(favouriteCategories(entries, use))).toEqual([last.code, 'C0101']);
  });

  it('works by code and name before the pinyin initials are known', () => {
    const plain = indexCategories(catalog);
    expect(codes(searchCategories(plain, '暴露'))[0]).toBe('E0102');
    expect(searchCategories(plain, 'bllj')).toEqual([]);
  });
});

const here = { state: 'ok', lon: 119.95, lat: 31.7, accuracy: 8 } as const;
const bbox: [number, number, number, number] = [119.8, 31.6, 120.1, 31.9];

describe('the inspector phone: the report being written', () => {
  it('takes the place from the GPS fix, a place found by name or coordinates typed, and says what is missing', () => {
    let d = EMPTY_DRAFT;
    expect(draftProblems(d, { state: 'locating' }, 0, bbox)).toEqual(['place', 'category']);
    expect(draftPoint(d, here)).toEqual([119.95, 31.7]);
    d = draftReducer(d, { type: 'categoryPicked', category: byName('暴露垃圾'), label: 'E0102 暴露垃圾' });
    expect(draftProblems(d, here, 0, bbox)).toEqual([]);
    // Fixed on the spot needs photos before and after.
    d = draftReducer(d, { type: 'selfHandled', value: true });
    expect(draftProblems(d, here, 1, bbox)).toEqual(['photos']);
    expect(draftProblems(d, here, 2, bbox)).toEqual([]);

    d = draftReducer(d, { type: 'placeMode', mode: 'coords' });
    d = draftReducer(d, { type: 'coords', lonText: '１１９．９６', latText: ' 31.71 ' });
    expect(draftPoint(d, here)).toEqual([119.96, 31.71]);
    d = draftReducer(d, { type: 'coords', lonText: '121.5', latText: '31.2' });
    expect(draftProblems(d, here, 2, bbox)).toEqual(['outside']);
    d = draftReducer(d, { type: 'coords', lonText: 'abc', latText: '31.2' });
    expect(draftProblems(d, here, 2, bbox)).toEqual(['place']);

    const place: Place = { kind: 'road', id: 'road:湖塘路', name: { zh: '湖塘路', en: 'Hutang Road' }, lon: 119.97, lat: 31.72 };
    d = draftReducer(d, { type: 'placeMode', mode: 'search' });
    d = draftReducer(d, { type: 'placePicked', place, label: '湖塘路' });
    expect(draftPoint(d, { state: 'unavailable' })).toEqual([119.97, 31.72]);
    // Typing again un-picks it.
    expect(draftPoint(draftReducer(d, { type: 'placeQuery', query: '湖塘' }), here)).toBeNull();

    d = draftReducer(d, { type: 'note', value: '  井盖破损  ' });
    expect(reportOf(d, [119.9712345678, 31.72])).toEqual({ categoryCode: 'E0102', lon: 119.971235, lat: 31.72, source: 'inspector', description: '井盖破损' });
    // Sent: the next report starts empty, from the same kind of place.
    const next = draftReducer(d, { type: 'sent' });
    expect(next).toMatchObject({ placeMode: 'search', place, categoryCode: null, note: '', selfHandled: false });
  });
});

const photoStore = (): PhotoStore & { keys: Set<string> } => {
  const m = new Map<string, Blob>([
    ['p1', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' })],
    ['p2', new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' })],
  ]);
  return {
    keys: new Set(m.keys()),
    put: async (k, b) => void m.set(k, b),
    get: async (k) => m.get(k),
    delete: async (k) => void m.delete(k),
  };
};

const incident = (over: Partial<Incident> = {}): Incident => ({ id: 'case-1', version: 1, status: 'reported', number: 'WJ-20261206-0001', source: 'inspector', confirmedAt: null, ...over }) as Incident;

interface Sent {
  method: string;
  url: string;
  key: string | null;
  body: unknown;
}

/** A fake server: answers each request in turn (or fails with no answer), and records what was sent. */
function fakeFetch(answers: (req: Sent) => { status: number; body?: unknown } | 'network') {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const req: Sent = {
      method: init.method ?? 'GET',
      url,
      key: headers.get('idempotency-key'),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body instanceof Blob ? 'photo' : null,
    };
    sent.push(req);
    const a = answers(req);
    if (a === 'network') throw new TypeError('Failed to fetch');
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status });
  });
  return sent;
}

const waitUntil = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('the inspector phone: the outbox', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends a report made offline in the documented order: the report, its photos to the new case, then self-handle with their ids; a retry keeps each key', async () => {
    let reportTries = 0;
    let photo = 0;
    const sent = fakeFetch((req) => {
      if (req.url === '/api/incidents') return ++reportTries === 1 ? 'network' : { status: 201, body: incident() };
      if (req.url === '/api/cases/case-1/photos') return { status: 201, body: { photoId: `ph_${String(++photo).padStart(16, '0')}`, contentType: 'image/png', bytes: 4 } };
      if (req.url === '/api/cases/case-1/actions') return { status: 200, body: { case: incident({ version: 2, status: 'closed' }) } };
      return { status: 404 };
    });
    const photos = photoStore();
    const filed: Incident[] = [];
    const done: Incident[] = [];
    const queue = new InspectOutbox('test', {
      username: 'inspector-1',
      photos,
      onFiled: (_r, i) => filed.push(i),
      onSent: (i) => done.push(i),
      onStale: () => undefined,
      onUnauthenticated: () => undefined,
    });
    queue.start();
    const item = queue.report({ report: { categoryCode: 'E0102', lon: 119.95, lat: 31.7, source: 'inspector' }, photoKeys: ['p1', 'p2'], selfHandled: true });
    // The first try found no network: it waits, kept on the device.
    await waitUntil(() => queue.getSnapshot().status === 'waiting');
    expect(queue.getSnapshot().items).toHaveLength(1);
    expect(myReportState(reportQueued([], item)[0]!, queue.getSnapshot())).toBe('queued');
    queue.kick();
    await waitUntil(() => queue.getSnapshot().items.length === 0);
    queue.stop();

    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/incidents',
      'POST /api/incidents',
      'POST /api/cases/case-1/photos',
      'POST /api/cases/case-1/photos',
      'POST /api/cases/case-1/actions',
    ]);
    // The same report, the same key, both times; every request has a key of its own.
    expect(sent[0]!.key).toBe(item.key);
    expect(sent[1]!.key).toBe(item.key);
    expect(new Set(sent.slice(1).map((r) => r.key)).size).toBe(4);
    expect(sent[1]!.body).toEqual({ categoryCode: 'E0102', lon: 119.95, lat: 31.7, source: 'inspector' });
    expect(sent[4]).toMatchObject({ key: item.nextKey, body: { action: 'self-handle', version: 1, attachments: ['ph_0000000000000001', 'ph_0000000000000002'] } });
    expect(filed.map((i) => i.id)).toEqual(['case-1']);
    expect(done.map((i) => i.status)).toEqual(['closed']);
    // Sent: the photos are off the device.
    expect(await photos.get('p1')).toBeUndefined();
  });

  it('drops a report the server refuses for good and says why; sends one without photos as the report alone', async () => {
    const sent = fakeFetch((req) =>
      (req.body as { lon: number }).lon > 121 ? { status: 422, body: { error: { code: 'outside_city', message: 'outside' } } } : { status: 201, body: incident({ id: 'case-2' }) },
    );
    const queue = new InspectOutbox('test-2', {
      username: 'inspector-1',
      photos: photoStore(),
      onFiled: () => undefined,
      onSent: () => undefined,
      onStale: () => undefined,
      onUnauthenticated: () => undefined,
    });
    queue.start();
    queue.report({ report: { categoryCode: 'E0102', lon: 121.5, lat: 31.2, source: 'inspector' }, photoKeys: [], selfHandled: false });
    queue.report({ report: { categoryCode: 'E0102', lon: 119.95, lat: 31.7, source: 'inspector' }, photoKeys: [], selfHandled: false });
    await waitUntil(() => queue.getSnapshot().items.length === 0);
    queue.stop();
    expect(sent.map((r) => r.url)).toEqual(['/api/incidents', '/api/incidents']);
    expect(queue.getSnapshot().notices).toMatchObject([{ kind: 'dropped', action: 'report', code: 'outside_city', caseId: null }]);
  });
});

describe('the inspector phone: a report that waited', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('is sent with the time it was made; a date the server refuses is dropped, not the report', async () => {
    const sent = fakeFetch((req) =>
      (req.body as { reportedAt?: string }).reportedAt ? { status: 422, body: { error: { code: 'reported_in_future', message: 'future' } } } : { status: 201, body: incident({ id: 'case-3' }) },
    );
    const filed: string[] = [];
    const queue = new InspectOutbox('test-3', {
      username: 'inspector-1',
      photos: photoStore(),
      onFiled: (_r, i) => filed.push(i.id),
      onSent: () => undefined,
      onStale: () => undefined,
      onUnauthenticated: () => undefined,
    });
    // Made ten minutes ago (the phone was offline since).
    vi.setSystemTime(Date.now() - 10 * 60_000);
    const item = queue.report({ report: { categoryCode: 'E0102', lon: 119.95, lat: 31.7, source: 'inspector' }, photoKeys: [], selfHandled: false });
    vi.useRealTimers();
    queue.start();
    await waitUntil(() => queue.getSnapshot().items.length === 0);
    queue.stop();
    expect(sent.map((r) => (r.body as { reportedAt?: string }).reportedAt)).toEqual([item.queuedAt, undefined]);
    // Another request, another key.
    expect(sent[0]!.key).not.toBe(sent[1]!.key);
    expect(filed).toEqual(['case-3']);
    expect(queue.getSnapshot().notices).toEqual([]);
  });
});

describe('the inspector phone: pure pieces', () => {
  const report: QueuedReport = {
    kind: 'report', id: 'r1', key: 'k1', report: { categoryCode: 'E0102', lon: 1, lat: 2, source: 'inspector' }, selfHandled: false, nextKey: 'k2',
    photos: [{ localKey: 'p1', uploadKey: 'u1', photoId: null, failed: null }], queuedAt: '2026-12-06T01:00:00.000Z', attempts: 0, lastError: null,
  };

  it('follows a filed report with its photos: confirm (found) on its own report, self-handle when fixed on the spot, nothing without photos', () => {
    expect(followUp(report, incident())).toMatchObject({ key: 'k2', caseId: 'case-1', action: 'confirm', found: true, version: 1, report: 'r1', photos: report.photos });
    expect(followUp({ ...report, selfHandled: true }, incident())).toMatchObject({ action: 'self-handle', report: 'r1' });
    expect(followUp({ ...report, selfHandled: true }, incident())).not.toHaveProperty('found');
    expect(followUp({ ...report, photos: [] }, incident())).toBeNull();
  });

  it("tells where each of the phone's reports stands", () => {
    let mine = reportQueued([], report);
    const outbox = (items: never[], sendingKey: string | null = null) => ({ items, sendingKey });
    expect(myReportState(mine[0]!, outbox([report] as never[]))).toBe('queued');
    expect(myReportState(mine[0]!, outbox([report] as never[], 'k1'))).toBe('sending');
    mine = reportUpdated(mine, 'r1', incident());
    expect(mine[0]).toMatchObject({ caseId: 'case-1', number: 'WJ-20261206-0001', status: 'reported' });
    expect(myReportState(mine[0]!, outbox([followUp(report, incident())] as never[]))).toBe('finishing');
    expect(myReportState(mine[0]!, outbox([]))).toBe('filed');
    expect(myReportState(reportUpdated(mine, 'r1', incident({ status: 'closed' }))[0]!, outbox([]))).toBe('closed');
    expect(myReportState(reportQueued([], { ...report, id: 'r2' })[0]!, outbox([]))).toBe('dropped');
  });

  it('keeps at most an hour of fixes while offline, the newest', () => {
    const fix = (n: number): TrackerPosition => ({ trackerId: 'inspector:a', lon: 119.9, lat: 31.7, at: new Date(n * 30_000).toISOString() });
    let buffer: TrackerPosition[] = [];
    for (let n = 0; n < 125; n++) buffer = withFix(buffer, fix(n));
    expect(buffer).toHaveLength(120);
    expect(buffer[0]).toEqual(fix(5));
  });

  it('tells which cases are tasks of the shared queue', () => {
    expect(inspectTaskOf({ status: 'reported', source: 'hotline_12345', confirmedAt: null })).toBe('confirm');
    expect(inspectTaskOf({ status: 'accepted', source: 'citizen_app', confirmedAt: null })).toBe('confirm');
    expect(inspectTaskOf({ status: 'reported', source: 'hotline_12345', confirmedAt: '2026-12-06T01:00:00Z' })).toBeNull();
    expect(inspectTaskOf({ status: 'reported', source: 'inspector', confirmedAt: null })).toBeNull();
    expect(inspectTaskOf({ status: 'registered', source: 'hotline_12345', confirmedAt: null })).toBeNull();
    expect(inspectTaskOf({ status: 'handled', source: 'sensor', confirmedAt: null })).toBe('verify');
  });
});
