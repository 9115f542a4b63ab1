import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleResult {
  name: 'bundle';
  /** JavaScript the first screen loads (entry scripts and their static imports), in bytes. */
  initial: { raw: number; gzip: number; files: string[] };
  /** Every other script chunk, loaded on demand (lazy views, workers). */
  lazy: { file: string; raw: number; gzip: number }[];
}

/**
 * Sizes of the JavaScript shipped to the browser, from the built client (dist/client). The initial
 * load is what index.html references plus what those files import statically (Vite writes
 * modulepreload links for them).
 */
export function measureBundle(distClient: string): BundleResult {
  const html = readFileSync(join(distClient, 'index.html'), 'utf8');
  const initialFiles = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const assets = readdirSync(join(distClient, 'assets')).filter((f) => f.endsWith('.js') || f.endsWith('.mjs'));
  const size = (f: string) => {
    const buf = readFileSync(join(distClient, f));
    return { raw: statSync(join(distClient, f)).size, gzip: gzipSync(buf, { level: 9 }).length };
  };
  const initial = initialFiles.map(size);
  return {
    name: 'bundle',
    initial: {
      raw: initial.reduce((s, x) => s + x.raw, 0),
      gzip: initial.reduce((s, x) => s + x.gzip, 0),
      files: initialFiles,
    },
    lazy: assets
      .map((a) => `assets/${a}`)
      .filter((f) => !initialFiles.includes(f))
      .map((f) => ({ file: f, ...size(f) })),
  };
}
