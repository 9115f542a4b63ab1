import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_RULES, type HttpRule } from '../../server/auth/accessRules.js';
import { CaseActionRequest, LoginRequest, NewApiToken, NewIncident, NewUser, ResponsibilityChange, ROLE_PERMISSIONS, ROLES, UserChange, type Role } from '../../shared/index.js';
import { getJson, pointsInCells, sendJson, streamClient, waitFor } from '../support/api.js';
import { ADMIN_PASSWORD, authHeaders, createToken, createUser, signIn, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

let server: TestServer;
let cells: FeatureCollection['features'];
const sessions = new Map<Role, string>();
const tokens = new Map<Role, string>();

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  for (const role of ROLES) {
    sessions.set(role, await createUser(server.url, server.adminCookie, `user-${role}`, role));
    tokens.set(role, await createToken(server.url, server.adminCookie, role));
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

/**
 * A concrete request for a rule: parameters filled with harmless values, writes with an empty body.
 * A unit is the unit desk accounts' own (createUser gives them `huanwei`).
 */
function concrete(rule: HttpRule): { method: string; path: string; body: unknown } {
  const path = rule.path.replace(':name', 'towns').replace(':id', 'AAAAAAAAAAAA').replace(':username', 'nobody').replace(':code', 'huanwei');
  return { method: rule.method, path, body: rule.method === 'GET' || rule.method === 'DELETE' ? undefined : {} };
}

const allowed = (rule: HttpRule, role: Role | null) =>
  rule.allow === 'public' || (role !== null && (rule.allow === 'signed-in' || ROLE_PERMISSIONS[role].includes(rule.allow)));

describe('the access rules, route × role', () => {
  for (const via of ['session', 'token'] as const) {
    it(`let exactly the allowed roles through, by ${via}, and refuse everyone else`, async () => {
      const failures: string[] = [];
      for (const rule of HTTP_RULES) {
        for (const role of [null, ...ROLES]) {
          const { method, path, body } = concrete(rule);
          let credentials: Credentials = null;
          if (role) {
            // Signing out ends the session it is sent with: give that request a session of its own.
            const cookie = via === 'session' && rule.path === '/api/auth/logout' ? await signIn(server.url, `user-${role}`, `user-${role}-password`) : sessions.get(role)!;
            credentials = via === 'session' ? { cookie } : { token: tokens.get(role)! };
          }
          const res = await sendJson<Partial<ApiError>>(method, `${server.url}${path}`, body, credentials);
          const ok = allowed(rule, role);
          const expected = ok ? 'not 401/403 forbidden' : role === null ? 401 : 403;
          // Past the access rules, a service may still scope a route to the reader's own cases (a crew's
          // team, a unit desk's unit: 403 not_your_team, not_your_unit); the rules refuse with 403 forbidden.
          const fine = ok ? res.status !== 401 && !(res.status === 403 && res.body?.error?.code === 'forbidden') : res.status === expected;
          if (!fine) failures.push(`${method} ${path} as ${role ?? 'nobody'}: ${res.status} ${res.body?.error?.code}, expected ${expected}`);
        }
      }
      expect(failures).toEqual([]);
    }, 60_000);
  }

  it('refuse a route that has no rule, even to an admin', async () => {
    const res = await sendJson<ApiError>('GET', `${server.url}/api/secret-admin-thing`, undefined, { cookie: server.adminCookie });
    expect(res.status).toBe(404);
    const del = await sendJson<ApiError>('DELETE', `${server.url}/api/incidents/x`, undefined, { cookie: server.adminCookie });
    expect(del.status).toBe(404);
  });

  it('check every socket message: a field account may not subscribe to the live picture, nobody may connect unsigned', async () => {
    const field = streamClient(server.url, { token: tokens.get('field')! });
    const refused = new Promise<string>((resolve) => field.socket.once('stream:error', (m) => resolve(m.code)));
    field.socket.emit('subscribe', { sinceSeq: 0 });
    expect(await refused).toBe('forbidden');
    field.socket.close();
    const anonymous = streamClient(server.url, null);
    const error = await new Promise<string>((resolve) => anonymous.socket.once('connect_error', (e) => resolve(e.message)));
    expect(error).toBe('unauthenticated');
    anonymous.socket.close();
  });
});

describe('personal data', () => {
  it('reaches dispatchers and admins, never a wall display, on the socket or over HTTP', async () => {
    const wall = streamClient(server.url, { token: tokens.get('wall')! });
    const dispatcher = streamClient(server.url, { token: tokens.get('dispatcher')! });
    const raw: string[] = [];
    wall.socket.onAny((_event, ...args) => raw.push(JSON.stringify(args)));
    for (const c of [wall, dispatcher]) c.socket.emit('subscribe', { sinceSeq: 0 });
    await Promise.all([wall.live, dispatcher.live]);
    const [p] = pointsInCells(cells, 1, 31);
    const phone = '13912345678';
    const posted = await sendJson<Incident>('POST', `${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, reporter: { name: '王小明', phone } });
    expect(posted.status).toBe(201);
    await waitFor(() => dispatcher.events.some((e) => e.incident.id === posted.body.id) && wall.events.some((e) => e.incident.id === posted.body.id), 5000, 'both');
    expect(dispatcher.events.find((e) => e.incident.id === posted.body.id)!.incident.reporter).toEqual({ name: '王小明', phone });
    const seenByWall = wall.events.find((e) => e.incident.id === posted.body.id)!.incident;
    expect(seenByWall.reporter).toBeNull();
    expect(seenByWall.reporterRedacted).toBe(true);
    // Replayed from the log after a reconnect, too.
    const again = streamClient(server.url, { token: tokens.get('wall')! });
    again.socket.onAny((_event, ...args) => raw.push(JSON.stringify(args)));
    again.socket.emit('subscribe', { sinceSeq: 0 });
    await again.live;
    expect(again.events.some((e) => e.incident.id === posted.body.id)).toBe(true);
    expect(raw.join('\n')).not.toContain(phone);
    expect(raw.join('\n')).not.toContain('王小明');
    for (const c of [wall, dispatcher, again]) c.socket.close();

    for (const role of ROLES) {
      const res = await getJson<Incident>(`${server.url}/api/incidents/${posted.body.id}`, { token: tokens.get(role)! });
      // Neither a crew nor a unit's desk reads the live picture's incidents.
      if (role === 'field' || role === 'unit') expect(res.status).toBe(403);
      else if (role === 'admin' || role === 'dispatcher') expect(res.body.reporter?.phone).toBe(phone);
      else expect(JSON.stringify(res.body)).not.toContain(phone);
    }
  });
});

describe('tokens and sessions', () => {
  it('revoking a token takes effect at once, over HTTP, on its open sockets and on the kiosk session it opened', async () => {
    const wallToken = await createToken(server.url, server.adminCookie, 'wall', 'lobby display');
    const id = /^gw_([A-Za-z0-9]{12})_/.exec(wallToken)![1]!;
    // The kiosk link turns the token into a session.
    const kiosk = await fetch(`${server.url}/api/auth/kiosk`, { method: 'POST', headers: { authorization: `Bearer ${wallToken}` } });
    expect(kiosk.status).toBe(200);
    const kioskCookie = kiosk.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(kiosk.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
    expect(kiosk.headers.getSetCookie()[0]).toMatch(/SameSite=Strict/i);
    expect((await getJson<{ user: { role: string } }>(`${server.url}/api/auth/me`, { cookie: kioskCookie })).body.user.role).toBe('wall');

    const display = streamClient(server.url, { token: wallToken });
    display.socket.emit('subscribe', { sinceSeq: 0 });
    await display.live;
    const ended = new Promise<string>((resolve) => display.socket.once('session:ended', (m) => resolve(m.code)));
    const disconnected = new Promise<void>((resolve) => display.socket.once('disconnect', () => resolve()));

    const revoked = await sendJson('DELETE', `${server.url}/api/tokens/${id}`, undefined, { cookie: server.adminCookie });
    expect(revoked.status).toBe(200);
    expect(await ended).toBe('revoked');
    await disconnected;
    expect((await getJson<ApiError>(`${server.url}/api/health`, { token: wallToken })).status).toBe(401);
    expect((await getJson<ApiError>(`${server.url}/api/incidents?limit=1`, { token: wallToken })).body.error.code).toBe('invalid_token');
    expect((await getJson<{ user: null }>(`${server.url}/api/auth/me`, { cookie: kioskCookie })).body.user).toBeNull();
  });

  it('only a wall token opens a kiosk session', async () => {
    const res = await fetch(`${server.url}/api/auth/kiosk`, { method: 'POST', headers: { authorization: `Bearer ${tokens.get('dispatcher')}` } });
    expect(res.status).toBe(403);
  });

  it('signing out ends the session and closes its sockets', async () => {
    const cookie = await signIn(server.url, 'user-leader', 'user-leader-password');
    const socket = streamClient(server.url, { cookie });
    socket.socket.emit('subscribe', { sinceSeq: 0 });
    await socket.live;
    const ended = new Promise<string>((resolve) => socket.socket.once('session:ended', (m) => resolve(m.code)));
    expect((await sendJson('POST', `${server.url}/api/auth/logout`, undefined, { cookie })).status).toBe(204);
    expect(await ended).toBe('logged_out');
    expect((await getJson<{ user: null }>(`${server.url}/api/auth/me`, { cookie })).body.user).toBeNull();
  });

  it('changing an account ends its sessions', async () => {
    const cookie = await createUser(server.url, server.adminCookie, 'temp-inspector', 'inspector');
    expect((await getJson<{ user: unknown }>(`${server.url}/api/auth/me`, { cookie })).body.user).not.toBeNull();
    const changed = await sendJson('PATCH', `${server.url}/api/users/temp-inspector`, { role: 'leader' }, { cookie: server.adminCookie });
    expect(changed.status).toBe(200);
    expect((await getJson<{ user: null }>(`${server.url}/api/auth/me`, { cookie })).body.user).toBeNull();
    const disabled = await sendJson('PATCH', `${server.url}/api/users/temp-inspector`, { disabled: true }, { cookie: server.adminCookie });
    expect(disabled.status).toBe(200);
    await expect(signIn(server.url, 'temp-inspector', 'temp-inspector-password')).rejects.toThrow(/401/);
  });
});

describe('cross-site requests', () => {
  it('refuse cookie writes that do not come from this server\'s pages; tokens carry no ambient credential', async () => {
    const body = JSON.stringify({ name: 'x', role: 'wall' });
    const post = (headers: Record<string, string>) => fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({ cookie: server.adminCookie })).status).toBe(403);
    expect((await post({ cookie: server.adminCookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ cookie: server.adminCookie, origin: new URL(server.url).origin })).status).toBe(201);
    const adminToken = tokens.get('admin')!;
    expect((await post({ authorization: `Bearer ${adminToken}` })).status).toBe(201);
  });

  it('send security headers and a Content Security Policy without inline scripts', async () => {
    const res = await fetch(`${server.url}/api/health`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['headSeq', 'status', 'uptimeSeconds', 'version']);
  });
});

describe('hostile input', () => {
  it('10,000 malformed or hostile bodies across the write routes give 4xx, never 5xx, and change nothing', async () => {
    const admin: Credentials = { cookie: server.adminCookie };
    const state = async () => ({
      head: (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq,
      users: JSON.stringify((await getJson(`${server.url}/api/users`, admin)).body),
      tokens: JSON.stringify((await getJson<{ id: string; revokedAt: string | null }[]>(`${server.url}/api/tokens`, admin)).body.map((t) => [t.id, t.revokedAt])),
      audit: (await getJson<{ id: number }[]>(`${server.url}/api/audit?limit=1`, admin)).body[0]!.id,
    });

    const hostile = fc.oneof(
      fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 300 }), fc.constant(''),
      fc.constant('__proto__'), fc.constant({ __proto__: { admin: true } }), fc.constant({ constructor: { prototype: { x: 1 } } }),
      fc.string({ minLength: 2000, maxLength: 5000 }), fc.array(fc.anything(), { maxLength: 4 }), fc.object({ maxDepth: 3 }),
      fc.constant('<script>alert(1)</script>'), fc.constant("' OR 1=1 --"), fc.constant('../../etc/passwd'),
    );
    // Each route's valid body with fields replaced by something hostile, or an extra key, or a body
    // that is not a JSON object at all; whatever the route's own schema would accept is left out (a
    // hostile-looking name such as "' OR 1=1 --" is a valid name, and stored as text).
    const broken = <T extends Record<string, unknown>>(valid: T, schema: { safeParse(v: unknown): { success: boolean } }) =>
      fc.oneof(
        fc.record(Object.fromEntries(Object.keys(valid).map((k) => [k, hostile])), { requiredKeys: [] })
          .filter((b) => Object.keys(b).length < Object.keys(valid).length || Object.entries(b).some(([k, v]) => JSON.stringify(v) !== JSON.stringify(valid[k]))),
        fc.tuple(fc.constantFrom(...Object.keys(valid)), hostile).map(([k, v]) => ({ ...valid, [k]: v })).filter((b) => JSON.stringify(b) !== JSON.stringify(valid)),
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in valid)).map((k) => ({ ...valid, [k]: 'x' })),
        fc.anything().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v) ?? 'null'),
        fc.string({ maxLength: 50 }).map((s) => `{"${s}`),
      ).filter((b) => typeof b === 'string' || !schema.safeParse(JSON.parse(JSON.stringify(b))).success); // judged as sent
    const [p] = pointsInCells(cells, 1, 3);
    const fuzzCase = (await sendJson<Incident>('POST', `${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat })).body.id;
    const before = await state();
    const routes = [
      { method: 'POST', path: '/api/incidents', creds: undefined, body: broken({ categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, description: 'x', source: 'inspector', reporter: { phone: '123' } }, NewIncident) },
      { method: 'POST', path: '/api/auth/login', creds: null, body: broken({ username: 'admin', password: 'wrong' }, LoginRequest) },
      { method: 'POST', path: '/api/users', creds: admin, body: broken({ username: 'fuzzed', role: 'inspector', password: 'long-enough-password' }, NewUser) },
      { method: 'PATCH', path: '/api/users/user-wall', creds: admin, body: broken({ displayName: 'x', role: 'wall' }, UserChange) },
      { method: 'POST', path: '/api/tokens', creds: admin, body: broken({ name: 'fuzz', role: 'wall' }, NewApiToken) },
      { method: 'POST', path: `/api/cases/${fuzzCase}/actions`, creds: undefined, body: broken({ action: 'accept', version: 1, note: 'x' }, CaseActionRequest) },
      { method: 'PUT', path: '/api/responsibility', creds: admin, body: broken({ assign: [{ community: '320412100001', gridHeadId: null }] }, ResponsibilityChange) },
    ] as const;
    const request = fc.oneof(
      ...routes.map((r) => r.body.map((body) => ({ route: r, body, path: r.path }))),
      // Paths with hostile parameters.
      fc.string({ maxLength: 40 }).map((s) => ({ route: { method: 'DELETE', creds: admin } as const, body: undefined, path: `/api/tokens/${encodeURIComponent(s)}` })),
      fc.string({ maxLength: 40 }).map((s) => ({ route: { method: 'PATCH', creds: admin } as const, body: { role: 'nonsense' }, path: `/api/users/${encodeURIComponent(s)}` })),
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ route, body, path }) => {
        const res = await fetch(`${server.url}${path}`, {
          method: route.method,
          headers: { 'content-type': 'application/json', ...authHeaders(server.url, route.creds) },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const json = (await res.json()) as Partial<ApiError>;
        expect(res.status, `${route.method} ${path} ${JSON.stringify(body)?.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof json.error?.code).toBe('string');
        expect(typeof json.error?.message).toBe('string');
      }),
      { numRuns: 10_000, seed: 4 },
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(await state()).toEqual(before);
    expect((await getJson(`${server.url}/api/health`)).status).toBe(200);
  }, 180_000);
});

describe('under a strict configuration', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startServer({ env: { SESSION_TTL_SECONDS: '2', LOGIN_MAX_FAILURES: '3', WRITE_RATE_PER_MINUTE: '40' } });
  }, 120_000);
  afterAll(async () => {
    await strict?.stop();
    if (strict) removeDataDir(strict.dataDir);
  });

  it('sessions expire, and a socket on an expired session is closed', async () => {
    const cookie = await signIn(strict.url, 'admin', ADMIN_PASSWORD);
    expect((await getJson<{ user: unknown }>(`${strict.url}/api/auth/me`, { cookie })).body.user).not.toBeNull();
    // An expired session is no session: nothing that needs one answers.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await getJson<{ user: null }>(`${strict.url}/api/auth/me`, { cookie })).body.user).toBeNull();
    expect((await getJson<ApiError>(`${strict.url}/api/incidents?limit=1`, { cookie })).status).toBe(401);
  });

  it('slows brute force: past the limit even the right password is refused, and failures never say which part was wrong', async () => {
    // Sessions here last two seconds: sign in afresh.
    await createUser(strict.url, await signIn(strict.url, 'admin', ADMIN_PASSWORD), 'target', 'leader', 'the-right-password');
    const attempt = (username: string, password: string) => sendJson<ApiError>('POST', `${strict.url}/api/auth/login`, { username, password }, null);
    const wrongPassword = await attempt('target', 'not-it-at-all');
    const unknownUser = await attempt('no-such-user', 'not-it-at-all');
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.body).toEqual(wrongPassword.body);
    await attempt('target', 'not-it-either');
    await attempt('target', 'still-not-it');
    const blocked = await fetch(`${strict.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'target', password: 'the-right-password' }),
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await blocked.json()) as ApiError).error.code).toBe('too_many_attempts');
  });

  it('limits writes per principal', async () => {
    const [p] = pointsInCells(cells, 1, 7);
    const token = await createToken(strict.url, await signIn(strict.url, 'admin', ADMIN_PASSWORD), 'inspector', 'chatty gateway');
    const codes: number[] = [];
    for (let i = 0; i < 45; i++) {
      codes.push((await sendJson('POST', `${strict.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat }, { token })).status);
    }
    expect(codes.slice(0, 40).every((c) => c === 201)).toBe(true);
    expect(codes.slice(40).every((c) => c === 429)).toBe(true);
    // Another principal is not held back by it.
    expect((await sendJson('POST', `${strict.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat })).status).toBe(201);
  });
});
