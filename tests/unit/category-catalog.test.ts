import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalogIndex, loadCatalog } from '../../server/catalog/loadCatalog.js';
import { SHIPPED_DATA_DIR } from '../../server/paths.js';

const raw = JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'catalog', 'catalog.json'), 'utf8')) as {
  departments: { code: string }[];
  categories: { code: string; department: string }[];
};

describe('category catalog', () => {
  const catalog = loadCatalog();

  it('has at least 60 categories in both families, covering all twelve classes', () => {
    expect(catalog.categories.length).toBeGreaterThanOrEqual(60);
    const classes = new Set(catalog.categories.map((c) => `${c.family}:${c.classCode}`));
    for (const family of ['component', 'event']) {
      for (const cls of ['01', '02', '03', '04', '05', '06']) expect(classes, `${family} ${cls}`).toContain(`${family}:${cls}`);
    }
  });

  it('holds the problems the simulator and the seeds rely on, each in its family', () => {
    const required: Record<string, string> = {
      E0102: '暴露垃圾', E0103: '积存垃圾渣土', E0104: '道路不洁', E0108: '偷倒垃圾', E0112: '闲置地块杂草丛生',
      E0507: '乱堆物堆料', E0501: '无照经营游商', E0504: '店外经营', E0508: '占道经营', E0505: '机动车乱停放',
      E0506: '非机动车乱停放', E0201: '非法小广告', E0203: '违规户外广告', E0304: '道路遗撒', E0305: '施工废弃料',
      E0302: '工地扬尘', C0101: '上水井盖', C0102: '污水井盖', C0103: '雨水井盖', C0118: '路灯', E0601: '交通拥堵',
      E0111: '道路积水',
    };
    for (const [code, zh] of Object.entries(required)) {
      const c = catalog.byCode(code);
      expect(c, code).toBeDefined();
      expect(c!.name.zh).toBe(zh);
      expect(c!.family).toBe(code.startsWith('C') ? 'component' : 'event');
    }
  });

  it('gives every category a handling department that exists and a positive time limit', () => {
    const deps = new Set(catalog.departments.map((d) => d.code));
    for (const c of catalog.categories) {
      expect(deps.has(c.department), c.code).toBe(true);
      expect(c.timeLimit.amount).toBeGreaterThan(0);
    }
    // Safety problems are urgent and counted round the clock.
    for (const code of ['C0101', 'C0102', 'C0103', 'E0401', 'E0403']) {
      expect(catalog.byCode(code)!.timeLimit.kind).toBe('urgent_hours');
      expect(catalog.byCode(code)!.priority).toBe(1);
    }
  });

  it('keeps codes unique and the GB/T 47678 codes we know', () => {
    const codes = catalog.categories.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(catalog.byCode('E0102')!.gb47678Code).toBe('06010');
    expect(catalog.byCode('E0507')!.gb47678Code).toBe('06036');
    expect(catalog.byCode('E0203')!.gb47678Code).toBe('07003');
    expect(catalog.byCode('E0508')!.gb47678Code).toBe('09006');
  });

  it('refuses a catalog with a duplicate code or an unknown department', () => {
    const dup = { ...raw, categories: [...raw.categories, raw.categories[0]] };
    expect(() => buildCatalogIndex(dup)).toThrow(/duplicate category E?C?\d{4}/);
    const orphan = { ...raw, categories: raw.categories.map((c, i) => (i === 3 ? { ...c, department: 'nobody' } : c)) };
    expect(() => buildCatalogIndex(orphan)).toThrow(/unknown department nobody/);
    const badCode = { ...raw, categories: raw.categories.map((c, i) => (i === 0 ? { ...c, code: 'E0101' } : c)) };
    expect(() => buildCatalogIndex(badCode)).toThrow();
  });
});
