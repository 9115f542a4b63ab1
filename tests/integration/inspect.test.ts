import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, CaseView, Incident, InspectTasks, PlaceResults } from '../../shared/index.js';
import { getJson, sendJson } from '../support/api.js';
import { authHeaders, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';

/**
 * The inspectors' phone (城管通) against a real server: a report sent again with its Idempotency-Key
 * is filed once; its photos go to the new case and close it as fixed on the spot (自行处置); the
 * on-duty inspectors' shared queue (GET /api/inspect/tasks) lists the 核实 tasks nearest first, with
 * callers' contacts withheld.
 */

let server: TestServer;
let here: { lon: number; lat: number };
const as: Record<'inspector' | 'field' | 'dispatcher', Credentials> = {} as never;

beforeAll(async () => {
  server = await startServer();
  const road = (await getJson<PlaceResults>(`${server.url}/api/places?q=${encodeURIComponent('湖塘路')}&limit=1`)).body.items[0]!;
  here = { lon: road.lon, lat: road.lat };
  as.inspector = { cookie: await createUser(server.url, server.adminCookie, 'insp-phone', 'inspector') };
  as.field = { cookie: await createUser(server.url, server.adminCookie, 'insp-crew', 'field') };
  as.dispatcher = { token: server.token };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

/** A point `north` metres north and `east` metres east of where the inspector stands. */
const near = (north: number, east = 0) => ({ lon: here.lon + east / (111_320 * Math.cos((here.lat * Math.PI) / 180)), lat: here.lat + north / 111_320 });

async function post<T>(path: string, body: unknown, who: Credentials, key?: string): Promise<{ status: number; replayed: string | null; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(server.url, who), ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as T };
}

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function upload(caseId: string, key: string): Promise<string> {
  const res = await fetch(`${server.url}/api/cases/${caseId}/photos`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', 'idempotency-key': key, ...authHeaders(server.url, as.inspector) },
    body: new Uint8Array(png),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { photoId: string }).photoId;
}

describe('a report from the inspectors\' phone', () => {
  it('sent again with the same Idempotency-Key is filed once: the first answer comes back', async () => {
    const body = { categoryCode: 'E0102', ...near(0), source: 'inspector', description: '离线时上报' };
    const first = await post<Incident>('/api/incidents', body, as.inspector, 'report-key-00000001');
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    const again = await post<Incident>('/api/incidents', body, as.inspector, 'report-key-00000001');
    expect(again).toMatchObject({ status: 201, replayed: 'true' });
    expect(again.body.id).toBe(first.body.id);
    // Another key is another report.
    const other = await post<Incident>('/api/incidents', body, as.inspector, 'report-key-00000002');
    expect(other.body.id).not.toBe(first.body.id);
    // A read under the same path is never replayed.
    const read = await fetch(`${server.url}/api/incidents/${first.body.id}`, { headers: { ...authHeaders(server.url, as.inspector), 'idempotency-key': 'report-key-00000001' } });
    expect(read.headers.get('idempotent-replayed')).toBeNull();
    expect(((await read.json()) as Incident).id).toBe(first.body.id);
  });

  it('then its photos to the new case, then self-handle with their ids: closed as fixed on the spot', async () => {
    const filed = await post<Incident>('/api/incidents', { categoryCode: 'E0102', ...near(20), source: 'inspector' }, as.inspector, 'report-key-00000003');
    const photos = [await upload(filed.body.id, 'photo-key-000000001'), await upload(filed.body.id, 'photo-key-000000002')];
    // An upload sent again is one photo.
    expect(await upload(filed.body.id, 'photo-key-000000002')).toBe(photos[1]);
    const closed = await post<{ case: Incident }>(`/api/cases/${filed.body.id}/actions`, { action: 'self-handle', version: filed.body.version, attachments: photos }, as.inspector, 'action-key-00000001');
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.case).toMatchObject({ status: 'closed', closureKind: 'self_handled' });
    const view = (await getJson<CaseView>(`${server.url}/api/cases/${filed.body.id}`)).body;
    expect(view.timeline.at(-1)?.action).toMatchObject({ name: 'self-handle', actor: 'insp-phone', attachments: photos });
  });
});

describe('the on-duty inspectors\' shared queue (GET /api/inspect/tasks)', () => {
  it('lists public reports to confirm, nearest first with their distance, the callers withheld from an inspector', async () => {
    const far = await post<Incident>('/api/incidents', { categoryCode: 'E0102', ...near(600), source: 'citizen_app' }, as.dispatcher);
    const close = await post<Incident>(
      '/api/incidents',
      { categoryCode: 'E0102', ...near(150, 100), source: 'hotline_12345', callNature: 'complaint', reporter: { name: '王先生', phone: '139 1234 5678' } },
      as.dispatcher,
    );
    const confirmed = await post<Incident>('/api/incidents', { categoryCode: 'E0102', ...near(50), source: 'hotline_12345' }, as.dispatcher);
    expect((await post(`/api/cases/${confirmed.body.id}/actions`, { action: 'confirm', version: 1, found: true }, as.inspector)).status).toBe(200);

    const { status, body } = await getJson<InspectTasks>(`${server.url}/api/inspect/tasks?near=${here.lon},${here.lat}`, as.inspector);
    expect(status).toBe(200);
    // Inspectors' own reports and confirmed ones are no tasks.
    expect(body.tasks.map((t) => t.case.id)).toEqual([close.body.id, far.body.id]);
    expect(body.tasks.map((t) => t.kind)).toEqual(['confirm', 'confirm']);
    expect(body.tasks[0]!.distanceMeters).toBeGreaterThan(170);
    expect(body.tasks[0]!.distanceMeters).toBeLessThan(190);
    expect(body.tasks[1]!.distanceMeters).toBeGreaterThan(590);
    expect(body.tasks[0]!.case).toMatchObject({ reporter: null, reporterRedacted: true });
    // A dispatcher (personal.read) sees the caller; without `near`, oldest report first.
    const all = (await getJson<InspectTasks>(`${server.url}/api/inspect/tasks`, as.dispatcher)).body;
    expect(all.tasks.map((t) => [t.case.id, t.distanceMeters])).toEqual([
      [far.body.id, null],
      [close.body.id, null],
    ]);
    expect(all.tasks[1]!.case.reporter).toEqual({ name: '王先生', phone: '139 1234 5678' });
  });

  it('is for those who confirm reports; a malformed point is 400', async () => {
    expect((await getJson<ApiError>(`${server.url}/api/inspect/tasks`, as.field)).status).toBe(403);
    const bad = await getJson<ApiError>(`${server.url}/api/inspect/tasks?near=east,north`, as.inspector);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect((await getJson<ApiError>(`${server.url}/api/inspect/tasks?near=119.9,95`, as.inspector)).status).toBe(400);
    expect((await sendJson<ApiError>('GET', `${server.url}/api/inspect/tasks?limit=5`, undefined, as.inspector)).status).toBe(400);
  });
});
