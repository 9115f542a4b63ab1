import { describe, expect, it } from 'vitest';
import { countByH3Cell } from '../../server/hotspot/hotspotService.js';

describe('incidents per H3 cell from their stored indices', () => {
  it("count the city's cells in their order, zeros kept, and add the cells the city's list misses after them, sorted", () => {
    const city = ['8830e1d8d1fffff', '8830e1d8d3fffff', '8830e1d8d5fffff'];
    const points = ['8830e1d8d3fffff', '8830e1d8d3fffff', '8830e1d8d1fffff', '8830e1d8ebfffff', '8830e1d8e1fffff', '8830e1d8ebfffff'].map((h3) => ({ h3 }));
    const { keys, counts } = countByH3Cell(points, city);
    expect(keys).toEqual([...city, '8830e1d8e1fffff', '8830e1d8ebfffff']);
    expect([...counts]).toEqual([1, 2, 0, 1, 2]);
    expect(countByH3Cell([], city)).toEqual({ keys: city, counts: new Float64Array(3) });
  });
});
