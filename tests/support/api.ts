import { expect } from 'vitest';
import * as turf from '@turf/turf';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  Feature,
  Incident,
  IncidentEvent,
  ServerToClientEvents,
} from './types.js';
import { authHeaders, type Credentials } from './credentials.js';

export type GwClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function getJson<T>(url: string, credentials?: Credentials): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: authHeaders(url, credentials) });
  return { status: res.status, body: (await res.json()) as T };
}

export async function postJson<T>(url: string, body: unknown, credentials?: Credentials): Promise<{ status: number; body: T }> {
  return sendJson<T>('POST', url, body, credentials);
}

export async function sendJson<T>(method: string, url: string, body: unknown, credentials?: Credentials): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...authHeaders(url, credentials) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  // A binary answer (the coverage snapshot) is not JSON: its bytes are the body.
  if (!(res.headers.get('content-type') ?? 'application/json').includes('json')) return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) as T };
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Points guaranteed to lie inside given grid cells, with the cells they lie in. */
/**
 * Takes a case through `steps` in order, each action posted by whom it names with its extra fields at
 * the case's current version; every step must be taken (the refusal is in the failure). The case as
 * the last step left it.
 */
export async function walkCase(
  url: string,
  start: Incident,
  steps: readonly (readonly [action: string, by: Credentials, extra: Record<string, unknown>])[],
): Promise<Incident> {
  let c = start;
  for (const [action, by, extra] of steps) {
    const res = await postJson<{ case: Incident }>(`${url}/api/cases/${c.id}/actions`, { action, version: c.version, ...extra }, by);
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
    c = res.body.case;
  }
  return c;
}

/** Actions in turn on a case, each at the version the last answered (by `by`, else the default credentials); each must be accepted. */
export async function runActions(url: string, start: Incident, steps: readonly (Record<string, unknown> & { by?: Credentials })[]): Promise<Incident> {
  let c = start;
  for (const { by, ...body } of steps) {
    const res = await postJson<{ case: Incident }>(`${url}/api/cases/${c.id}/actions`, { ...body, version: c.version }, by);
    expect(res.status, `${String(body.action)}: ${JSON.stringify(res.body)}`).toBe(200);
    c = res.body.case;
  }
  return c;
}

export function pointsInCells(cells: Feature[], n: number, stride = 97): { lon: number; lat: number; cell: Feature }[] {
  const out = [];
  for (let i = 0; i < n; i++) {
    const cell = cells[(i * stride) % cells.length]!;
    const [lon, lat] = turf.pointOnFeature(cell as never).geometry.coordinates as [number, number];
    out.push({ lon, lat, cell });
  }
  return out;
}

/** A socket.io client that records every event it is streamed, in arrival order. */
export function streamClient(url: string, credentials?: Credentials): { socket: GwClient; events: IncidentEvent[]; live: Promise<number> } {
  const socket: GwClient = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: authHeaders(url, credentials) });
  const events: IncidentEvent[] = [];
  socket.on('incident:events', (m) => events.push(...m.events));
  const live = new Promise<number>((resolve) => socket.once('stream:live', (m) => resolve(m.headSeq)));
  return { socket, events, live };
}

export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * POSTs `count` reports over keep-alive connections with `concurrency` in flight, as a burst from
 * many field devices would arrive. Resolves with each answer's status and body, in request order.
 */
export async function postReports(
  url: string,
  count: number,
  bodyFor: (i: number) => unknown,
  concurrency = 16,
): Promise<{ status: number; body: unknown }[]> {
  const { Pool } = await import('undici');
  const pool = new Pool(url, { connections: concurrency });
  const answers: { status: number; body: unknown }[] = new Array(count);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          const res = await pool.request({
            path: '/api/incidents',
            method: 'POST',
            headers: { 'content-type': 'application/json', ...authHeaders(url) },
            body: JSON.stringify(bodyFor(i)),
          });
          answers[i] = { status: res.statusCode, body: await res.body.json() };
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return answers;
}
