import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root, found by walking up from this module. The server runs both from source (tsx,
 * vitest) and from dist/, so a fixed relative path would be wrong in one of the two.
 */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('GridWatch project root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot();
/** Shipped, read-only data: the catalog, the calendar, the city generator's inputs. */
export const SHIPPED_DATA_DIR = join(PROJECT_ROOT, 'data');
