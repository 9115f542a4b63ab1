import { request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, Team } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, sendJson, type GwClient } from '../support/api.js';
import { authHeaders, createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

/**
 * The HTTP side of "the live stream and the sign-in hold under abuse": parallel password guessing,
 * forged attachments, probing other teams' cases, bad dates and text, routes from nowhere, cached
 * personal data and the CSRF origin behind a proxy. Every refused write leaves the log's head where
 * it was.
 */

let server: TestServer;
let cells: FeatureCollection['features'];
let sanitation: Team[];
const as: Record<'dispatcher' | 'crewA' | 'crewB' | 'admin', Credentials> = {} as never;
const ADDRESS_LIMIT = 10;

beforeAll(async () => {
  // Behind a proxy (TRUST_PROXY) each test signs in from addresses of its own (X-Forwarded-For).
  server = await startServer({ env: { TRUST_PROXY: 'on', LOGIN_MAX_FAILURES: '5', LOGIN_MAX_FAILURES_PER_ADDRESS: String(ADDRESS_LIMIT) } });
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  sanitation = (await getJson<Team[]>(`${server.url}/api/teams`)).body.filter((t) => t.categories.includes('E0102'));
  as.admin = { cookie: server.adminCookie };
  as.dispatcher = { token: await createToken(server.url, server.adminCookie, 'dispatcher', 'abuse dispatcher') };
  as.crewA = { cookie: await createUser(server.url, server.adminCookie, 'abuse-crew-a', 'field', 'abuse-crew-a-password', sanitation[0]!.id) };
  as.crewB = { cookie: await createUser(server.url, server.adminCookie, 'abuse-crew-b', 'field', 'abuse-crew-b-password', sanitation[1]!.id) };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const headSeq = async (url = server.url) => (await getJson<{ headSeq: number }>(`${url}/api/health`)).body.headSeq;

function expectRefusal(res: { status: number; body: unknown }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const { error } = res.body as ApiError;
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
}

let seed = 0;
async function newCase(extra: Record<string, unknown> = {}): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 211 + seed++ * 53);
  const { status, body } = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, ...extra }, as.dispatcher);
  expect(status).toBe(201);
  return body;
}

type Answer = { case: Incident } & Partial<ApiError>;
const act = (id: string, body: Record<string, unknown>, who: Credentials) => postJson<Answer>(`${server.url}/api/cases/${id}/actions`, body, who);

/** A case dispatched to a team; resolves with the case at its current version. */
async function dispatchedTo(teamId: string): Promise<Incident> {
  let c = await newCase();
  for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { teamId }]] as const) {
    const res = await act(c.id, { action, version: c.version, ...extra }, as.dispatcher);
    expect(res.status).toBe(200);
    c = res.body.case;
  }
  return c;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
async function uploadPhoto(caseId: string, who: Credentials): Promise<string> {
  const res = await fetch(`${server.url}/api/cases/${caseId}/photos`, { method: 'POST', headers: { 'content-type': 'image/png', ...authHeaders(server.url, who) }, body: new Uint8Array(PNG) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { photoId: string }).photoId;
}

// --- 4: signing in --------------------------------------------------------------------------------

interface LoginAnswer {
  status: number;
  code: string | undefined;
  retryAfter: string | null;
  cookie: boolean;
}

async function login(username: string, password: string, address: string): Promise<LoginAnswer> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as Partial<ApiError>;
  return { status: res.status, code: body.error?.code, retryAfter: res.headers.get('retry-after'), cookie: res.headers.getSetCookie().length > 0 };
}

const count = (answers: LoginAnswer[], status: number) => answers.filter((a) => a.status === status).length;

describe('failed sign-ins are counted before the password is hashed', () => {
  it('30 parallel wrong passwords for one account: at most 5 are tried (401), the rest 429, and the right password is refused during the block', async () => {
    await createUser(server.url, server.adminCookie, 'victim-one', 'leader', 'victim-one-password');
    const before = await headSeq();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login('victim-one', `wrong-guess-${i}`, '198.51.100.1')));
    expect(count(answers, 401)).toBeLessThanOrEqual(5);
    expect(count(answers, 401) + count(answers, 429)).toBe(30);
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.code).toBe('too_many_attempts');
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    // The account is blocked, whatever the address and however right the password.
    const right = await login('victim-one', 'victim-one-password', '198.51.100.2');
    expect(right.status).toBe(429);
    expect(right.cookie).toBe(false);
    expect(await headSeq()).toBe(before);
  });

  it('a burst of 19 wrong passwords and then the right one does not sign in', async () => {
    await createUser(server.url, server.adminCookie, 'victim-two', 'leader', 'victim-two-password');
    const before = await headSeq();
    const wrong = Array.from({ length: 19 }, (_, i) => login('victim-two', `wrong-guess-${i}`, '198.51.100.3'));
    // The right one leaves once the server has answered one of the burst, while the rest are still being hashed.
    await Promise.race(wrong);
    const right = await login('victim-two', 'victim-two-password', '198.51.100.3');
    const answers = await Promise.all(wrong);
    expect(right.status).toBe(429);
    expect(right.code).toBe('too_many_attempts');
    expect(right.cookie).toBe(false);
    expect(count(answers, 401)).toBeLessThanOrEqual(5);
    expect(count(answers, 200)).toBe(0);
    expect(await headSeq()).toBe(before);
  });

  it('per address: 30 parallel wrong sign-ins to different accounts from one address stop at the address limit', async () => {
    await createUser(server.url, server.adminCookie, 'victim-three', 'leader', 'victim-three-password');
    const before = await headSeq();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => login(i % 2 ? `nobody-${i}` : 'victim-three', `wrong-guess-${i}`, '198.51.100.4')));
    expect(count(answers, 401)).toBeLessThanOrEqual(ADDRESS_LIMIT);
    expect(count(answers, 401) + count(answers, 429)).toBe(30);
    // That address is blocked, even with a right password of another account …
    expect((await login('abuse-crew-a', 'abuse-crew-a-password', '198.51.100.4')).status).toBe(429);
    // … which signs in from elsewhere.
    expect((await login('abuse-crew-a', 'abuse-crew-a-password', '198.51.100.5')).status).toBe(200);
    expect(await headSeq()).toBe(before);
  });
});

// --- 5: attachments -------------------------------------------------------------------------------

describe('photos attached to an action', () => {
  it('must have been uploaded to that case: another team\'s photo or an unknown id is 422 unknown_attachment', async () => {
    const mine = await dispatchedTo(sanitation[0]!.id);
    const theirs = await dispatchedTo(sanitation[1]!.id);
    const foreignPhoto = await uploadPhoto(theirs.id, as.crewB);
    const ownPhoto = await uploadPhoto(mine.id, as.crewA);
    const acked = await act(mine.id, { action: 'acknowledge', version: mine.version }, as.crewA);
    expect(acked.status).toBe(200);
    const v = acked.body.case.version;
    const before = await headSeq();
    for (const attachments of [[foreignPhoto], ['ph_AAAAAAAAAAAAAAAA'], [ownPhoto, foreignPhoto]]) {
      expectRefusal(await act(mine.id, { action: 'arrive', version: v, attachments }, as.crewA), 422, 'unknown_attachment');
      expect(await headSeq()).toBe(before);
    }
    // A dispatcher cannot either.
    expectRefusal(await act(theirs.id, { action: 'extend', version: theirs.version, extendHours: 2, attachments: [ownPhoto] }, as.dispatcher), 422, 'unknown_attachment');
    expect(await headSeq()).toBe(before);
    const arrived = await act(mine.id, { action: 'arrive', version: v, attachments: [ownPhoto] }, as.crewA);
    expect(arrived.status).toBe(200);
    const view = (await getJson<CaseView>(`${server.url}/api/cases/${mine.id}`, as.dispatcher)).body;
    expect(view.timeline.flatMap((e) => e.action?.attachments ?? [])).toEqual([ownPhoto]);
  });
});

// --- 6: who before which version ------------------------------------------------------------------

describe('a field account acting on another team\'s case', () => {
  it('hears 403 not_your_team whatever version it sends, never the case\'s current version', async () => {
    const c = await dispatchedTo(sanitation[0]!.id);
    const before = await headSeq();
    for (const version of [1, c.version, c.version + 5]) {
      const res = await act(c.id, { action: 'acknowledge', version }, as.crewB);
      expectRefusal(res, 403, 'not_your_team');
      expect(JSON.stringify(res.body)).not.toContain('currentVersion');
      expect(await headSeq()).toBe(before);
    }
    // Its own team still hears of a stale version as before.
    const stale = await act(c.id, { action: 'acknowledge', version: 1 }, as.crewA);
    expectRefusal(stale, 409, 'version_conflict');
    expect(await headSeq()).toBe(before);
  });
});

// --- 7: dates and text ----------------------------------------------------------------------------

describe('reportedAt', () => {
  it('further back than REPORT_MAX_AGE_DAYS (30) is refused with 422 reported_too_early', async () => {
    const [p] = pointsInCells(cells, 1, 17);
    const before = await headSeq();
    const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    for (const reportedAt of ['0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z', '1970-01-01T00:00:00Z', days(31)]) {
      const res = await postJson<ApiError>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, reportedAt }, as.dispatcher);
      expectRefusal(res, 422, 'reported_too_early');
      expect(await headSeq()).toBe(before);
    }
    const recent = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, reportedAt: days(29) }, as.dispatcher);
    expect(recent.status).toBe(201);
  });
});

describe('text fields', () => {
  it('refuse lone surrogates and control characters with 400; newlines and tabs stay allowed in multi-line text', async () => {
    const [p] = pointsInCells(cells, 1, 19);
    const report = (extra: Record<string, unknown>) => postJson<Incident & ApiError>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, ...extra }, as.dispatcher);
    const c = await newCase();
    const before = await headSeq();
    const refused: [string, Promise<{ status: number; body: unknown }>][] = [
      ['lone high surrogate in a description', report({ description: '\ud800' })],
      ['lone low surrogate in a description', report({ description: '垃圾\udc00堆' })],
      ['NUL as a reporter name', report({ reporter: { name: '\u0000' } })],
      ['BEL in a reporter name', report({ reporter: { name: '王\u0007' } })],
      ['a newline in a reporter name', report({ reporter: { name: '王\n小明' } })],
      ['NUL in a description', report({ description: 'a\u0000b' })],
      ['ESC in a description', report({ description: '\u001b[31mred' })],
      ['C1 control in a description', report({ description: 'a\u0085b' })],
      ['a control character in a category code', report({ categoryCode: 'E0102\u0000' })],
      ['a lone surrogate in a note', act(c.id, { action: 'accept', version: c.version, note: '\udbff' }, as.dispatcher)],
      ['NUL in a note', act(c.id, { action: 'accept', version: c.version, note: 'ok\u0000' }, as.dispatcher)],
      ['a lone surrogate in a token name', sendJson('POST', `${server.url}/api/tokens`, { name: 'gateway\ud800', role: 'wall' }, as.admin)],
      ['a newline in a display name', sendJson('POST', `${server.url}/api/users`, { username: 'x-user', displayName: 'a\nb', role: 'leader', password: 'long-enough-password' }, as.admin)],
      ['a control character in a display name change', sendJson('PATCH', `${server.url}/api/users/abuse-crew-b`, { displayName: 'crew\u0008' }, as.admin)],
    ];
    for (const [what, answer] of refused) {
      const res = await answer;
      expect(res.status, what).toBe(400);
      expect((res.body as ApiError).error.code, what).toMatch(/^invalid_/);
    }
    // Raw bytes that are not UTF-8 are refused too, not silently turned into U+FFFD.
    const raw = Buffer.concat([Buffer.from(`{"categoryCode":"E0102","lon":${p!.lon},"lat":${p!.lat},"description":"a`), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    const bytes = await fetch(`${server.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(server.url, as.dispatcher) }, body: new Uint8Array(raw) });
    expect(bytes.status).toBe(400);
    expect(((await bytes.json()) as ApiError).error.code).toBe('invalid_json');
    expect(await headSeq()).toBe(before);
    expect((await getJson<{ items: Incident[] }>(`${server.url}/api/incidents?limit=5`, as.dispatcher)).body.items[0]!.id).toBe(c.id);

    // Multi-line text keeps its line breaks and tabs, and reads back the same over HTTP.
    const description = '第一行\n第二行\r\n\t缩进 😀';
    const ok = await report({ description, reporter: { name: '王小明' } });
    expect(ok.status).toBe(201);
    expect(ok.body.description).toBe(description);
    expect((await getJson<Incident>(`${server.url}/api/incidents/${ok.body.id}`, as.dispatcher)).body.description).toBe(description);
    expect((await act(c.id, { action: 'accept', version: c.version, note: '受理\n\t转派' }, as.dispatcher)).status).toBe(200);
  });
});

// --- 8: routes, caching, origins ------------------------------------------------------------------

describe('the drive to a task', () => {
  it('refuses a starting point outside the city with 422 outside_city', async () => {
    const c = await dispatchedTo(sanitation[0]!.id);
    for (const from of ['0,0', '-179.9,-89.9', `${c.lon + 2},${c.lat}`]) {
      expectRefusal(await getJson(`${server.url}/api/tasks/${c.id}/route?from=${from}`, as.crewA), 422, 'outside_city');
    }
    expect((await getJson(`${server.url}/api/tasks/${c.id}/route?from=${c.lon + 0.003},${c.lat}`, as.crewA)).status).toBe(200);
    // Whose task it is comes first.
    expectRefusal(await getJson(`${server.url}/api/tasks/${c.id}/route?from=0,0`, as.crewB), 403, 'not_your_team');
  });
});

describe('Cache-Control', () => {
  it('is no-store on every API answer that may carry personal data; the layers keep their ETag caching', async () => {
    const c = await newCase({ reporter: { name: '李四', phone: '13900000000' } });
    const dispatched = await dispatchedTo(sanitation[0]!.id);
    const cacheOf = async (path: string, who: Credentials, init: RequestInit = {}) => {
      const res = await fetch(`${server.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...authHeaders(server.url, who) } });
      await res.arrayBuffer();
      return res.headers.get('cache-control');
    };
    const personal: [string, Credentials][] = [
      ['/api/incidents?limit=5', as.dispatcher],
      [`/api/incidents/${c.id}`, as.dispatcher],
      [`/api/cases/${c.id}`, as.dispatcher],
      ['/api/tasks', as.crewA],
      [`/api/tasks/${dispatched.id}/route?from=${dispatched.lon + 0.003},${dispatched.lat}`, as.crewA],
      ['/api/users', as.admin],
      ['/api/tokens', as.admin],
      ['/api/audit?limit=5', as.admin],
      ['/api/auth/me', as.admin],
      ['/api/incidents/no-such-id', as.dispatcher],
      ['/api/incidents?limit=5', null],
    ];
    for (const [path, who] of personal) expect(await cacheOf(path, who), path).toBe('no-store');
    const posted = await cacheOf('/api/incidents', as.dispatcher, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ categoryCode: 'E0102', lon: c.lon, lat: c.lat, reporter: { phone: '13900000001' } }),
    });
    expect(posted).toBe('no-store');
    const layer = await fetch(`${server.url}/api/layers/towns`, { headers: authHeaders(server.url, as.dispatcher) });
    expect(layer.status).toBe(200);
    await layer.arrayBuffer();
    expect(layer.headers.get('etag')).toBeTruthy();
    expect(layer.headers.get('cache-control')).toMatch(/max-age/);
    expect(layer.headers.get('cache-control')).not.toMatch(/no-store/);
  });
});

/** A free TCP port, so a server's PUBLIC_URL can name it before it starts. */
async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A request with a Host header of our choosing (fetch will not send one), as a proxy in front would forward it. */
function rawRequest(url: string, opts: { method: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method, headers: opts.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? (JSON.parse(text) as unknown) : null }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('with PUBLIC_URL set', () => {
  let pub: TestServer;
  let port: number;
  let cookie: string;
  beforeAll(async () => {
    port = await freePort();
    // The address users open; the tests reach the same server under another name (localhost), as a
    // request that names its own Host would.
    pub = await startServer({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}/` } });
    cookie = await createUser(pub.url, pub.adminCookie, 'public-dispatcher', 'dispatcher');
  }, 120_000);
  afterAll(async () => {
    await pub?.stop();
    if (pub) removeDataDir(pub.dataDir);
  });

  it('a cookie write whose Origin equals the Host but not PUBLIC_URL is refused; one from PUBLIC_URL passes', async () => {
    const publicOrigin = `http://127.0.0.1:${port}`;
    const otherName = `localhost:${port}`;
    const [p] = pointsInCells(cells, 1, 23);
    const report = JSON.stringify({ categoryCode: 'E0102', lon: p!.lon, lat: p!.lat });
    const before = await headSeq(pub.url);
    const forged = await rawRequest(`${pub.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: otherName, origin: `http://${otherName}`, cookie },
      body: report,
    });
    expectRefusal(forged, 403, 'cross_origin');
    expect(await headSeq(pub.url)).toBe(before);
    const fine = await rawRequest(`${pub.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: otherName, origin: publicOrigin, cookie },
      body: report,
    });
    expect(fine.status).toBe(201);
    expect(await headSeq(pub.url)).toBe(before + 1);
  });

  it('the socket handshake compares the Origin with PUBLIC_URL, not with the Host', async () => {
    const otherName = `localhost:${port}`;
    const connect = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket: GwClient = io(pub.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie, origin, host: otherName } });
        socket.once('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.once('connect_error', (e) => {
          socket.close();
          resolve(e.message);
        });
      });
    expect(await connect(`http://${otherName}`)).toBe('cross_origin');
    expect(await connect(`http://127.0.0.1:${port}`)).toBe('connected');
  });
});
