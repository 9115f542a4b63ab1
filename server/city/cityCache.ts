import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { City } from '../../shared/index.js';
import { loadCatalog } from '../catalog/loadCatalog.js';
import { SHIPPED_DATA_DIR } from '../paths.js';
import { GENERATOR_VERSION, generateCity } from './synthetic/generateCity.js';
import { CitySpec } from './synthetic/spec.js';

/** The generator's inputs: the shipped city file, and the catalog's component categories (their codes and units). */
export function loadCitySpec(): CitySpec {
  const components = loadCatalog()
    .categories.filter((c) => c.family === 'component')
    .map(({ code, classCode, subclassCode, department }) => ({ code, classCode, subclassCode, department }));
  return CitySpec.parse({ ...JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'city', 'wujin-district.json'), 'utf8')), components });
}

/**
 * The default city, generated once per seed, generator version and inputs (the spec with the
 * catalog's component categories, by a hash in the file name) and cached as JSON: a restart reads the
 * file instead of regenerating, and a changed catalog or spec regenerates it. The file is written to
 * a temporary name and renamed, so a crash never leaves half a city behind; an unreadable cache is
 * simply regenerated.
 */
export function loadDefaultCity(opts: { cacheDir: string; seed: number }): { city: City; fromCache: boolean } {
  const spec = loadCitySpec();
  const inputs = createHash('sha1').update(JSON.stringify(spec)).digest('hex').slice(0, 10);
  const file = join(opts.cacheDir, `city-${opts.seed}-v${GENERATOR_VERSION}-${inputs}.json`);
  try {
    const city = JSON.parse(readFileSync(file, 'utf8')) as City;
    if (city.meta?.seed === opts.seed && city.meta.generatorVersion === GENERATOR_VERSION) return { city, fromCache: true };
  } catch {
    // missing or unreadable: generate below
  }
  const city = generateCity(spec, opts.seed);
  mkdirSync(opts.cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(city));
  renameSync(tmp, file);
  // Cities of other generator versions or inputs for this seed will never be read again.
  for (const old of readdirSync(opts.cacheDir)) {
    if (old.startsWith(`city-${opts.seed}-v`) && old.endsWith('.json') && join(opts.cacheDir, old) !== file) {
      rmSync(join(opts.cacheDir, old), { force: true });
    }
  }
  return { city, fromCache: false };
}
