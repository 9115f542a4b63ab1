import { describe, expect, it } from 'vitest';
import { NO_DATA_FILL, QUINTILE_FILLS, quintileClasses, townMapDrawing, type DrawCommand, type MapArea } from '../../shared/report/townMap.js';

/**
 * The notice's map of the towns as vector drawing commands (issue 15): polygons filled by the quintile
 * of a rate, fitted into a box with their shape kept, a legend naming each class's range.
 */
const LAT = 31.7;
/** A square town `size` degrees of latitude high (and as many metres wide) at column i, row j. */
function square(code: string, i: number, j: number, size = 0.01): MapArea {
  const w = size / Math.cos((LAT * Math.PI) / 180);
  const [x, y] = [119.9 + i * w, LAT + j * size];
  return { code, name: `镇${code}`, geometry: { type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + size], [x, y + size], [x, y]]] } };
}
const areas = Array.from({ length: 10 }, (_, k) => square(`t${k}`, k % 5, Math.floor(k / 5)));
const box = { x: 36, y: 100, width: 700, height: 300 };
const opts = (higherIsBetter = true) => ({ higherIsBetter, title: '按期结案率', format: (v: number) => `${(v * 100).toFixed(1)}%`, noData: '无数据' });
const areaOf = (cmds: DrawCommand[], code: string) => cmds.find((c): c is Extract<DrawCommand, { kind: 'area' }> => c.kind === 'area' && c.code === code)!;

describe('town map drawing', () => {
  it('fills each town by the quintile of its rate, the worst fifth red, none for no data', () => {
    const values = new Map<string, number | null>(areas.map((a, k) => [a.code, (k + 1) / 10]));
    values.set('t9', null);
    const cmds = townMapDrawing(areas, values, box, opts());
    // Nine rated towns: sorted worst first, class = floor(position × 5 / 9).
    const expected = [0, 0, 1, 1, 2, 2, 3, 3, 4];
    for (let k = 0; k < 9; k++) {
      expect(areaOf(cmds, `t${k}`).classIndex).toBe(expected[k]);
      expect(areaOf(cmds, `t${k}`).fill).toBe(QUINTILE_FILLS[expected[k]!]);
    }
    expect(areaOf(cmds, 't9').classIndex).toBeNull();
    expect(areaOf(cmds, 't9').fill).toBe(NO_DATA_FILL);
    // A rate where lower is better ranks the other way round.
    const reversed = townMapDrawing(areas, values, box, opts(false));
    expect(areaOf(reversed, 't0').fill).toBe(QUINTILE_FILLS[4]);
    expect(areaOf(reversed, 't8').fill).toBe(QUINTILE_FILLS[0]);
  });

  it('equal values share a class, the class of the last of them', () => {
    const classes = quintileClasses(new Map([['a', 1], ['b', 1], ['c', 1], ['d', 0.5], ['e', 0.2]]), true);
    expect([...classes.entries()].sort()).toEqual([['a', 4], ['b', 4], ['c', 4], ['d', 1], ['e', 0]]);
  });

  it('fits the towns into the box with their shape kept', () => {
    const values = new Map(areas.map((a, k) => [a.code, k / 10]));
    const cmds = townMapDrawing(areas, values, box, opts());
    const points = cmds.flatMap((c) => (c.kind === 'area' ? c.rings.flat() : []));
    expect(points.length).toBe(areas.length * 5);
    for (const [x, y] of points) {
      expect(x).toBeGreaterThanOrEqual(box.x - 1e-9);
      expect(x).toBeLessThanOrEqual(box.x + box.width + 1e-9);
      expect(y).toBeGreaterThanOrEqual(box.y - 1e-9);
      expect(y).toBeLessThanOrEqual(box.y + box.height + 1e-9);
    }
    // Squares on the ground stay squares on paper (longitude scaled by cos latitude), north up.
    const ring = areaOf(cmds, 't0').rings[0]!;
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const [w, h] = [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
    expect(w / h).toBeCloseTo(1, 2);
    // t5 (row 1) lies north of t0 (row 0): above it on the page.
    expect(Math.max(...areaOf(cmds, 't5').rings[0]!.map((p) => p[1]))).toBeLessThanOrEqual(Math.min(...ys) + 1e-9);
    // The map fills the box's height or its map width.
    const all = points.map((p) => p[1]);
    const allX = points.map((p) => p[0]);
    const filled = Math.max(Math.max(...all) - Math.min(...all) - box.height, Math.max(...allX) - Math.min(...allX) - (box.width - 150));
    expect(filled).toBeCloseTo(0, 6);
  });

  it('names each class range in the legend, worst first, and the towns without data', () => {
    const values = new Map(areas.map((a, k) => [a.code, (k + 1) / 10]));
    const cmds = townMapDrawing(areas, values, box, opts());
    const swatches = cmds.filter((c) => c.kind === 'swatch');
    expect(swatches.map((s) => s.fill)).toEqual([...QUINTILE_FILLS, NO_DATA_FILL]);
    const texts = cmds.filter((c): c is Extract<DrawCommand, { kind: 'text' }> => c.kind === 'text').map((t) => t.text);
    expect(texts).toContain('按期结案率');
    // Ten towns, two per class: 10–20 %, 30–40 %, …
    expect(texts).toEqual(expect.arrayContaining(['10.0% – 20.0%', '30.0% – 40.0%', '50.0% – 60.0%', '70.0% – 80.0%', '90.0% – 100.0%', '无数据']));
    // Every town is named.
    for (const a of areas) expect(texts).toContain(a.name);
  });

  it('keeps the holes of a town and does not change its input', () => {
    const outer = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
    const hole = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]];
    const town: MapArea = { code: 'h', name: '有洞镇', geometry: { type: 'MultiPolygon', coordinates: [[outer, hole], [[[2, 0], [3, 0], [3, 1], [2, 0]]]] } };
    const before = JSON.stringify(town);
    const cmds = townMapDrawing([town], new Map([['h', 0.5]]), box, opts());
    expect(areaOf(cmds, 'h').rings.length).toBe(3);
    expect(JSON.stringify(town)).toBe(before);
  });
});
