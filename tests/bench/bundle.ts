import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleResult {
  name: 'bundle';
  /** JavaScript the first screen loads (entry scripts and their static imports), in bytes. */
  initial: { raw: number; gzip: number; files: string[] };
  /** Every other script chunk, loaded on demand (lazy views, workers). */
  lazy: { file: string; raw: number; gzip: number }[];
  /**
   * What each signed-in screen loads in all (the entry, the screen's chunk and everything they import
   * statically), against `all`: the whole app, which is what every screen would load if nothing were
   * split (the naive baseline). Map workers, fetched at run time, are not counted.
   */
  screens: { screen: string; raw: number; gzip: number; files: number; allOverScreenGzip: number }[];
  all: { raw: number; gzip: number };
}

/** The screens by their module (keys of Vite's manifest, relative to client/). */
const SCREENS: Record<string, string> = {
  'field phone (/field)': 'field/FieldPage.tsx',
  'inspector phone (/inspect)': 'inspect/InspectPage.tsx',
  'dashboard (/)': 'dashboard/Dashboard.tsx',
  'dispatch console (/dispatch)': 'dispatch/DispatchPage.tsx',
  'login': 'auth/LoginPage.tsx',
};

interface ManifestChunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}

/** The files a chunk loads before it runs: itself and its static imports, transitively. */
function staticClosure(manifest: Record<string, ManifestChunk>, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build's manifest`);
    files.add(chunk.file);
    for (const k of chunk.imports ?? []) visit(k);
  };
  keys.forEach(visit);
  return files;
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
  const manifest = JSON.parse(readFileSync(join(distClient, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const sum = (files: Iterable<string>) => {
    const sizes = [...files].filter((f) => f.endsWith('.js')).map(size);
    return { raw: sizes.reduce((a, x) => a + x.raw, 0), gzip: sizes.reduce((a, x) => a + x.gzip, 0), files: sizes.length };
  };
  const all = sum(assets.map((a) => `assets/${a}`).filter((f) => !f.endsWith('.mjs')));
  const screens = Object.entries(SCREENS).map(([screen, key]) => {
    const loaded = sum(staticClosure(manifest, ['index.html', key]));
    return { screen, ...loaded, allOverScreenGzip: all.gzip / loaded.gzip };
  });
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
    screens,
    all: { raw: all.raw, gzip: all.gzip },
  };
}
