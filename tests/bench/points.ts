import { decodePointColumns, THEME_DEFINITIONS } from '../../shared/index.js';
import { authHeaders } from '../support/credentials.js';
import { startServer } from '../support/server.js';

/**
 * The density layers' points over 90 days as a client loads them (a load client apart from the
 * server, over HTTP): binary columns against the JSON columns of before, for all incidents and for a
 * theme. Each form is fetched and decoded as the map does (JSON.parse against a DataView over the
 * bytes), in turns, the median of several rounds; the figures that count are the ratios.
 *
 * Two cases: `cached`, nothing reported between requests (the server answers the frame it kept), and
 * `rebuilt`, a report of the theme posted before each request (the frame is built again from the
 * points held, as after every report on a live city).
 */
export interface PointsBenchRow {
  theme: string;
  mode: 'cached' | 'rebuilt';
  count: number;
  jsonBytes: number;
  binaryBytes: number;
  jsonMs: number;
  binaryMs: number;
  sizeRatio: number;
  timeRatio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `dataDir`: a store with the history in it already (a copy: the bench posts reports into it). */
export async function benchPoints(rounds = 7, opts: { dataDir?: string } = {}): Promise<PointsBenchRow[]> {
  const server = await startServer({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), env: { HISTORY_DAYS: '90' } });
  try {
    const headers = authHeaders(server.url);
    const rows: PointsBenchRow[] = [];
    for (const mode of ['cached', 'rebuilt'] as const) {
      for (const theme of ['all', 'main_road_garbage'] as const) {
        const url = `${server.url}/api/incidents/points?window=90d&theme=${theme}`;
        // A report the theme takes: at a point of the theme (near a main road), of its first category.
        let report: (() => Promise<void>) | null = null;
        if (mode === 'rebuilt') {
          const first = decodePointColumns(await (await fetch(url, { headers: { ...headers, accept: 'application/octet-stream' } })).arrayBuffer());
          const body = { categoryCode: THEME_DEFINITIONS[theme].categories?.[0] ?? 'E0104', lon: first.lon[0], lat: first.lat[0], description: '压测：重建帧', source: 'inspector' };
          report = async () => {
            const res = await fetch(`${server.url}/api/incidents`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
            if (res.status !== 201) throw new Error(`a report was refused: ${res.status} ${await res.text()}`);
          };
        }
        const json = { ms: [] as number[], bytes: 0, count: 0 };
        const binary = { ms: [] as number[], bytes: 0, count: 0 };
        for (let r = 0; r < rounds; r++) {
          await report?.();
          let t0 = performance.now();
          const text = await (await fetch(url, { headers: { ...headers, accept: 'application/json' } })).text();
          json.count = (JSON.parse(text) as { count: number }).count;
          json.ms.push(performance.now() - t0);
          json.bytes = Buffer.byteLength(text);
          await report?.();
          t0 = performance.now();
          const buf = await (await fetch(url, { headers: { ...headers, accept: 'application/octet-stream' } })).arrayBuffer();
          const count = decodePointColumns(buf).count;
          // Each report must show in the next frame: a frame kept from before it would be a cached one.
          if (report && r > 0 && count !== binary.count + 2) throw new Error(`the ${theme} frame did not follow the reports: ${binary.count} then ${count} points`);
          binary.count = count;
          binary.ms.push(performance.now() - t0);
          binary.bytes = buf.byteLength;
        }
        // In the rebuilt case one report lies between the JSON and the binary request.
        if (json.count + (report ? 1 : 0) !== binary.count) throw new Error(`the two forms disagree: ${json.count} against ${binary.count} points`);
        const [jsonMs, binaryMs] = [median(json.ms), median(binary.ms)];
        rows.push({ theme, mode, count: binary.count, jsonBytes: json.bytes, binaryBytes: binary.bytes, jsonMs, binaryMs, sizeRatio: json.bytes / binary.bytes, timeRatio: jsonMs / binaryMs });
      }
    }
    return rows;
  } finally {
    await server.stop();
  }
}
