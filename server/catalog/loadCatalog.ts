import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog, type Category, type Department, type StageLimitsByUrgency } from '../../shared/index.js';
import { buildWorkCalendar, WorkCalendarData, type WorkCalendar } from '../../shared/workflow/workCalendar.js';
import { SHIPPED_DATA_DIR } from '../paths.js';

export interface CatalogIndex {
  categories: readonly Category[];
  departments: readonly Department[];
  stageLimits: StageLimitsByUrgency;
  byCode(code: string): Category | undefined;
}

/**
 * Checks what zod cannot see inside one record: codes unique across the catalog and every
 * department a category names present. Throws one error listing every problem.
 */
export function buildCatalogIndex(raw: unknown): CatalogIndex {
  const catalog = Catalog.parse(raw);
  const problems: string[] = [];
  const departments = new Set<string>();
  for (const d of catalog.departments) {
    if (departments.has(d.code)) problems.push(`duplicate department ${d.code}`);
    departments.add(d.code);
  }
  const byCode = new Map<string, Category>();
  for (const c of catalog.categories) {
    if (byCode.has(c.code)) problems.push(`duplicate category ${c.code}`);
    if (!departments.has(c.department)) problems.push(`category ${c.code} names unknown department ${c.department}`);
    byCode.set(c.code, c);
  }
  if (problems.length) throw new Error(`Invalid category catalog:\n  ${problems.join('\n  ')}`);
  return { categories: catalog.categories, departments: catalog.departments, stageLimits: catalog.stageLimits, byCode: (code) => byCode.get(code) };
}

function readJson(...path: string[]): unknown {
  return JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, ...path), 'utf8'));
}

export function loadCatalog(): CatalogIndex {
  return buildCatalogIndex(readJson('catalog', 'catalog.json'));
}

export function loadWorkCalendar(): WorkCalendar {
  return buildWorkCalendar(WorkCalendarData.parse(readJson('calendar', 'holidays-cn.json')));
}
