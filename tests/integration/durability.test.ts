import { afterAll, describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { makeDataDir, removeDataDir, startServer } from '../support/server.js';
import type { Feature, FeatureCollection, Incident } from '../support/types.js';

const dataDir = makeDataDir();
afterAll(() => removeDataDir(dataDir));

describe('an acknowledged incident is never lost', () => {
  it('survives SIGKILL right after its 201, with the log gap-free', async () => {
    const first = await startServer({ dataDir });
    const cells: Feature[] = (await getJson<FeatureCollection>(`${first.url}/api/layers/grid`)).body.features;
    const points = pointsInCells(cells, 300, 31);

    // Fire many reports at once and kill the server the moment the 50th is acknowledged, while the
    // rest are still in flight: every acknowledged one must be there after the restart.
    const acknowledged: Incident[] = [];
    let killed: Promise<void> | undefined;
    await Promise.allSettled(
      points.map(async (p) => {
        const r = await postJson<Incident>(`${first.url}/api/incidents`, { categoryCode: 'C0101', lon: p.lon, lat: p.lat });
        if (r.status === 201) {
          acknowledged.push(r.body);
          if (acknowledged.length === 50) killed = first.kill();
        }
      }),
    );
    await (killed ?? first.kill());
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);

    const second = await startServer({ dataDir });
    try {
      for (const inc of acknowledged) {
        const r = await getJson<Incident>(`${second.url}/api/incidents/${inc.id}`);
        expect(r.status, inc.id).toBe(200);
        expect(r.body.gridCode).toBe(inc.gridCode);
      }
      // The log is gap-free after the crash: the next seq continues from the stored head.
      const { body: health } = await getJson<{ headSeq: number }>(`${second.url}/api/health`);
      expect(health.headSeq).toBeGreaterThanOrEqual(Math.max(...acknowledged.map((i) => i.seq)));
      const p = points[0]!;
      const next = await postJson<Incident>(`${second.url}/api/incidents`, { categoryCode: 'C0101', lon: p.lon, lat: p.lat });
      expect(next.status).toBe(201);
      expect(next.body.seq).toBe(health.headSeq + 1);
    } finally {
      await second.stop();
    }
  });
});
