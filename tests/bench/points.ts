import { decodePointColumns } from '../../shared/index.js';
import { authHeaders } from '../support/credentials.js';
import { startServer } from '../support/server.js';

/**
 * The density layers' points over 90 days as a client loads them (a load client apart from the
 * server, over HTTP): binary columns against the JSON columns of before, for all incidents and for a
 * theme. Each form is fetched and decoded as the map does (JSON.parse against a DataView over the
 * bytes), in turns, the median of several rounds; the figures that count are the ratios.
 */
export interface PointsBenchRow {
  theme: string;
  count: number;
  jsonBytes: number;
  binaryBytes: number;
  jsonMs: number;
  binaryMs: number;
  sizeRatio: number;
  timeRatio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchPoints(rounds = 7): Promise<PointsBenchRow[]> {
  const server = await startServer({ env: { HISTORY_DAYS: '90' } });
  try {
    const headers = authHeaders(server.url);
    const rows: PointsBenchRow[] = [];
    for (const theme of ['all', 'main_road_garbage']) {
      const url = `${server.url}/api/incidents/points?window=90d&theme=${theme}`;
      const json = { ms: [] as number[], bytes: 0, count: 0 };
      const binary = { ms: [] as number[], bytes: 0, count: 0 };
      for (let r = 0; r < rounds; r++) {
        let t0 = performance.now();
        const text = await (await fetch(url, { headers: { ...headers, accept: 'application/json' } })).text();
        json.count = (JSON.parse(text) as { count: number }).count;
        json.ms.push(performance.now() - t0);
        json.bytes = Buffer.byteLength(text);
        t0 = performance.now();
        const buf = await (await fetch(url, { headers: { ...headers, accept: 'application/octet-stream' } })).arrayBuffer();
        binary.count = decodePointColumns(buf).count;
        binary.ms.push(performance.now() - t0);
        binary.bytes = buf.byteLength;
      }
      if (json.count !== binary.count) throw new Error(`the two forms disagree: ${json.count} against ${binary.count} points`);
      const [jsonMs, binaryMs] = [median(json.ms), median(binary.ms)];
      rows.push({ theme, count: json.count, jsonBytes: json.bytes, binaryBytes: binary.bytes, jsonMs, binaryMs, sizeRatio: json.bytes / binary.bytes, timeRatio: jsonMs / binaryMs });
    }
    return rows;
  } finally {
    await server.stop();
  }
}
