import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaceResults, type ApiError, type Incident } from '../../shared/index.js';
import { getJson, postJson } from '../support/api.js';
import { createToken } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const places = (query: string) => getJson<PlaceResults & Partial<ApiError>>(`${server.url}/api/places?${query}`);

describe('GET /api/places', () => {
  it('answers the best matches of the city’s own names, in the wire schema', async () => {
    const { status, body } = await places(`q=${encodeURIComponent('湖塘路')}`);
    expect(status).toBe(200);
    expect(PlaceResults.parse(body)).toEqual(body);
    expect(body.items[0]).toMatchObject({ kind: 'road', name: { zh: '湖塘路', en: 'Hutang Road' } });
    expect(body.items[0]!.bbox).toHaveLength(4);

    const prefix = await places(`q=${encodeURIComponent('延政中')}`);
    expect(prefix.body.items[0]!.name.zh).toBe('延政中大道');
    const english = await places('q=hutang%20road');
    expect(english.body.items[0]!.name.zh).toBe('湖塘路');
    const initials = await places('q=htl');
    expect(initials.body.items[0]!.name.zh).toBe('湖塘路');
  });

  it('finds unit grid cells by a code prefix', async () => {
    const { body } = await places('q=320412100001&limit=5');
    expect(body.items[0]).toMatchObject({ kind: 'community', code: '320412100001' });
    expect(body.items.slice(1).every((p) => p.kind === 'grid' && p.code!.startsWith('320412100001'))).toBe(true);
    expect(body.items).toHaveLength(5);
  });

  it('honours the limit: 10 unless asked, at most 50', async () => {
    expect((await places(`q=${encodeURIComponent('路')}`)).body.items).toHaveLength(10);
    expect((await places(`q=${encodeURIComponent('路')}&limit=3`)).body.items).toHaveLength(3);
    expect((await places('q=320412&limit=50')).body.items).toHaveLength(50);
  });

  it('answers nothing for nonsense', async () => {
    const { status, body } = await places('q=xyzzy');
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
  });

  it('refuses an empty, missing, too long or doubled query and a limit out of range with 400', async () => {
    for (const query of ['q=', 'q=%20%20', '', `q=${'x'.repeat(101)}`, 'q=a&limit=51', 'q=a&limit=0', 'q=a&limit=x', 'q=a&q=b', 'q=a&other=1', 'q=a%00b']) {
      const res = await places(query);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.code, query).toBe('invalid_request');
    }
    expect((await places(`q=${'x'.repeat(100)}`)).status).toBe(200);
  });

  it('is for whoever reads the city, not for nobody', async () => {
    expect((await getJson(`${server.url}/api/places?q=a`, null)).status).toBe(401);
    const field = await createToken(server.url, server.adminCookie, 'field');
    expect((await getJson(`${server.url}/api/places?q=a`, { token: field })).status).toBe(200);
  });
});

describe('a 12345 call with its nature (the desk’s report)', () => {
  it('is stored with its source and reporter, its nature first in the description', async () => {
    const [road] = (await places(`q=${encodeURIComponent('湖塘路')}`)).body.items;
    const call = { categoryCode: 'E0102', lon: road!.lon, lat: road!.lat, source: 'hotline_12345', callNature: 'complaint', description: '路边垃圾三天没人清', reporter: { name: '李女士', phone: '13800001111' } };
    const posted = await postJson<Incident>(`${server.url}/api/incidents`, call);
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ source: 'hotline_12345', description: '【投诉】路边垃圾三天没人清', reporter: { name: '李女士', phone: '13800001111' } });
    const read = await getJson<Incident>(`${server.url}/api/incidents/${posted.body.id}`);
    expect(read.body.description).toBe('【投诉】路边垃圾三天没人清');

    const thanks = await postJson<Incident>(`${server.url}/api/incidents`, { ...call, callNature: 'thanks', description: undefined });
    expect(thanks.body.description).toBe('【表扬】');
  });

  it('refuses a nature on a report that is not a 12345 call, and an unknown nature', async () => {
    const [road] = (await places(`q=${encodeURIComponent('人民路')}`)).body.items;
    const base = { categoryCode: 'E0102', lon: road!.lon, lat: road!.lat };
    for (const body of [{ ...base, callNature: 'complaint' }, { ...base, source: 'inspector', callNature: 'complaint' }, { ...base, source: 'hotline_12345', callNature: 'praise' }]) {
      const res = await postJson<ApiError>(`${server.url}/api/incidents`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
  });
});
