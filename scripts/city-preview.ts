/**
 * Draws the default city to var/preview/city.svg (and city.png when rsvg-convert is installed), to
 * look at what the generator makes: `npx tsx scripts/city-preview.ts [seed]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefaultCity } from '../server/city/cityCache.js';
import { PROJECT_ROOT } from '../server/paths.js';

const seed = Number(process.argv[2] ?? 320412);
const { city } = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'cache'), seed });
const [w, s, e, n] = city.meta.bbox;
const W = 1600;
const kx = Math.cos((((s + n) / 2) * Math.PI) / 180);
const H = Math.round((W * (n - s)) / ((e - w) * kx));
const px = ([lon, lat]: number[]) => `${(((lon! - w) / (e - w)) * W).toFixed(1)},${(((n - lat!) / (n - s)) * H).toFixed(1)}`;
type Geom = { type: string; coordinates: unknown };
const path = (g: Geom): string => {
  const rings = g.type === 'Polygon' ? (g.coordinates as number[][][]) : g.type === 'MultiPolygon' ? (g.coordinates as number[][][][]).flat() : [g.coordinates as number[][]];
  return rings.map((r) => 'M' + r.map(px).join('L') + (g.type === 'LineString' ? '' : 'Z')).join('');
};
const LU: Record<string, string> = { residential: '#f1e6d6', commercial: '#f4c7b8', industrial: '#d8d0e6', green: '#cfe8c4', farmland: '#eef3d2', public: '#f6e3a1' };
const ROAD: Record<string, [string, number]> = { expressway: ['#e8743b', 5], arterial: ['#f2b134', 3.2], secondary: ['#ffffff', 2], local: ['#ffffff', 0.9] };
const POI: Record<string, string> = { market: '#e53935', school: '#1e88e5', hospital: '#d81b60', construction_site: '#6d4c41', material_yard: '#8d6e63', park: '#43a047', government: '#3949ab', transit: '#00897b' };
const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="100%" height="100%" fill="#dfe6ea"/>`];
for (const f of city.layers.landuse.features) out.push(`<path d="${path(f.geometry)}" fill="${LU[f.properties.class]}"/>`);
for (const f of city.layers.grid.features) out.push(`<path d="${path(f.geometry)}" fill="none" stroke="#b9b0a2" stroke-width="0.3"/>`);
for (const f of city.layers['vacant-lots'].features) out.push(`<path d="${path(f.geometry)}" fill="#c8a165" fill-opacity="0.8"/>`);
for (const f of city.layers.water.features) out.push(`<path d="${path(f.geometry)}" fill="#8cc4e8"/>`);
for (const cls of ['local', 'secondary', 'arterial', 'expressway']) {
  for (const f of city.layers.roads.features.filter((r) => r.properties.class === cls)) {
    const [c, wdt] = ROAD[cls]!;
    out.push(`<path d="${path(f.geometry)}" fill="none" stroke="${c}" stroke-width="${wdt}" stroke-linecap="round"/>`);
  }
}
for (const f of city.layers.towns.features) out.push(`<path d="${path(f.geometry)}" fill="none" stroke="#5d4a8a" stroke-width="2.5" stroke-dasharray="8 5"/>`);
for (const f of city.layers.pois.features) out.push(`<circle cx="${px(f.geometry.coordinates).split(',')[0]}" cy="${px(f.geometry.coordinates).split(',')[1]}" r="4" fill="${POI[f.properties.kind]}"/>`);
for (const f of city.layers.cameras.features) { const [x, y] = px(f.geometry.coordinates).split(','); out.push(`<rect x="${Number(x) - 1.5}" y="${Number(y) - 1.5}" width="3" height="3" fill="#222"/>`); }
for (const t of city.layers.towns.features) {
  const pts = (t.geometry.type === 'Polygon' ? t.geometry.coordinates[0]! : t.geometry.coordinates[0]![0]!) as number[][];
  const c = [pts.reduce((a, p) => a + p[0]!, 0) / pts.length, pts.reduce((a, p) => a + p[1]!, 0) / pts.length];
  const [x, y] = px(c).split(',');
  out.push(`<text x="${x}" y="${y}" font-size="26" font-family="Noto Sans CJK SC" text-anchor="middle" fill="#3b2f63" stroke="#fff" stroke-width="4" paint-order="stroke">${t.properties.name.zh}</text>`);
}
out.push('</svg>');
const dir = join(PROJECT_ROOT, 'var', 'preview');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'city.svg'), out.join('\n'));
try {
  execFileSync('rsvg-convert', ['-o', join(dir, 'city.png'), join(dir, 'city.svg')]);
  console.log('wrote var/preview/city.png');
} catch {
  console.log('wrote var/preview/city.svg (install librsvg2-bin for a PNG)');
}
