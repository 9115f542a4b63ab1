import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { City } from '../../shared/index.js';
import { SHIPPED_DATA_DIR } from '../paths.js';
import { GENERATOR_VERSION, generateCity } from './synthetic/generateCity.js';
import { CitySpec } from './synthetic/spec.js';

export function loadCitySpec(): CitySpec {
  return CitySpec.parse(JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'city', 'wujin-district.json'), 'utf8')));
}

/**
 * The default city, generated once per seed and generator version and cached as JSON: a restart
 * reads the file instead of regenerating. The file is written to a temporary name and renamed, so
 * a crash never leaves half a city behind; an unreadable cache is simply regenerated.
 */
export function loadDefaultCity(opts: { cacheDir: string; seed: number }): { city: City; fromCache: boolean } {
  const file = join(opts.cacheDir, `city-${opts.seed}-v${GENERATOR_VERSION}.json`);
  try {
    const city = JSON.parse(readFileSync(file, 'utf8')) as City;
    if (city.meta?.seed === opts.seed && city.meta.generatorVersion === GENERATOR_VERSION) return { city, fromCache: true };
  } catch {
    // missing or unreadable: generate below
  }
  const city = generateCity(loadCitySpec(), opts.seed);
  mkdirSync(opts.cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(city));
  renameSync(tmp, file);
  // Cities of older generator versions for this seed will never be read again.
  for (const old of readdirSync(opts.cacheDir)) {
    if (old.startsWith(`city-${opts.seed}-v`) && old.endsWith('.json') && join(opts.cacheDir, old) !== file) {
      rmSync(join(opts.cacheDir, old), { force: true });
    }
  }
  return { city, fromCache: false };
}
