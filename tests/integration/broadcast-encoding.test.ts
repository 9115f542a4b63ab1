import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGridWatch, type RunningGridWatch } from '../../server/app.js';
import { readConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { getJson, pointsInCells, postJson, streamClient, waitFor } from '../support/api.js';
import { ADMIN_PASSWORD, createToken, rememberToken, signIn } from '../support/credentials.js';
import { makeDataDir, removeDataDir, SHARED_CITY_CACHE } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

// The parser instance socket.io itself uses (CommonJS build), so that counting its calls counts the server's encodes.
const require = createRequire(import.meta.url);
const { Encoder } = require(require.resolve('socket.io-parser', { paths: [require.resolve('socket.io')] })) as {
  Encoder: { prototype: { encode(packet: { data?: unknown[] }): unknown[] } };
};

let server: RunningGridWatch;
const dataDir = makeDataDir();
let encodes = 0;
const original = Encoder.prototype.encode;

beforeAll(async () => {
  Encoder.prototype.encode = function (packet) {
    if (Array.isArray(packet.data) && packet.data[0] === 'incident:events') encodes++;
    return original.call(this, packet);
  };
  const config = readConfig({ PORT: '0', DATA_DIR: dataDir, CITY_CACHE_DIR: SHARED_CITY_CACHE, SIM: 'off', HISTORY_DAYS: '0', GRIDWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD });
  server = await startGridWatch(config, createLogger('silent'));
  const adminCookie = await signIn(server.url, 'admin', ADMIN_PASSWORD);
  rememberToken(server.url, await createToken(server.url, adminCookie, 'dispatcher'));
  wallToken = await createToken(server.url, adminCookie, 'wall');
});
let wallToken: string;
afterAll(async () => {
  Encoder.prototype.encode = original;
  await server?.close();
  removeDataDir(dataDir);
});

describe('live broadcasts', () => {
  it('are encoded once per batch and audience, not once per client', async () => {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    // Two audiences: dispatchers see reporters' personal data, wall displays get it redacted.
    const clients = Array.from({ length: 10 }, (_, i) => streamClient(server.url, i % 2 ? { token: wallToken } : undefined));
    const batches = clients.map(() => 0);
    clients.forEach((c, i) => c.socket.on('incident:events', () => (batches[i]! += 1)));
    for (const c of clients) c.socket.emit('subscribe', { sinceSeq: 0 });
    await Promise.all(clients.map((c) => c.live));
    encodes = 0;
    batches.fill(0);

    const n = 60;
    const results = await Promise.all(
      pointsInCells(cells, n, 13).map((p) => postJson(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p.lon, lat: p.lat })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    await waitFor(() => clients.every((c) => c.events.length === n), 5000, 'all clients');

    // Every client saw the same batches, and each batch was encoded once for each audience.
    expect(new Set(batches).size).toBe(1);
    expect(batches[0]).toBeGreaterThan(0);
    expect(encodes).toBe(2 * batches[0]!);
    clients.forEach((c) => c.socket.close());
  });
});
