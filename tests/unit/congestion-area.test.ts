import { describe, expect, it } from 'vitest';
import { LEVEL_OF_RATIO_BYTE } from '../../shared/index.js';
import {
  areaRaster,
  congestionAreaClasses,
  congestionDensity,
  congestionWeight,
  FREE_FLOW_INDEX,
  percentileBreaks,
  roadPieces,
} from '../../client/traffic/congestionArea.js';
import { densityBreaks } from '../../client/layers/densityRamp.js';
import { paintCongestionArea } from '../../client/layers/congestionAreaLayer.js';
import { roadReading } from '../../client/traffic/roadTooltip.js';

/** A box of about 5 km × 4 km at the default city's latitude. */
const BOX: [number, number, number, number] = [119.9, 31.68, 119.953, 31.716];
const kx = 111_320 * Math.cos((31.698 * Math.PI) / 180);
const ky = 110_574;
/** An east-west road of `metres` starting `dx`, `dy` metres from the box's south-west corner. */
const eastward = (dx: number, dy: number, metres: number) => [
  [BOX[0] + dx / kx, BOX[1] + dy / ky],
  [BOX[0] + (dx + metres) / kx, BOX[1] + dy / ky],
];
const byte = (index: number) => Math.round(index * 255);

describe('the congestion weight of a road', () => {
  it('is nothing at or above free flow, and grows with how far below and with length', () => {
    expect(congestionWeight(1, 500)).toBe(0);
    expect(congestionWeight(FREE_FLOW_INDEX, 500)).toBe(0);
    expect(congestionWeight(NaN, 500)).toBe(0);
    expect(congestionWeight(0.2, 0)).toBe(0);
    expect(congestionWeight(0, 500)).toBe(500);
    // Half the free-flow bound below it: half the length.
    expect(congestionWeight(FREE_FLOW_INDEX / 2, 1000)).toBeCloseTo(500, 9);
    expect(congestionWeight(0.3, 200)).toBeGreaterThan(congestionWeight(0.5, 200));
    expect(congestionWeight(0.3, 400)).toBeCloseTo(2 * congestionWeight(0.3, 200), 9);
    // Just below free flow weighs little, never negative.
    expect(congestionWeight(FREE_FLOW_INDEX - 0.01, 100)).toBeGreaterThan(0);
    expect(congestionWeight(-0.5, 100)).toBe(100);
  });

  it('agrees with the levels: every ratio byte of a free road weighs nothing, every other something', () => {
    for (let b = 0; b < 256; b++) expect(congestionWeight(b / 255, 100) === 0).toBe(LEVEL_OF_RATIO_BYTE[b] === 0);
  });
});

describe('the congestion area', () => {
  const raster = areaRaster(BOX, 50);
  const roads = [eastward(500, 500, 1000), eastward(3000, 3000, 1000), eastward(500, 3000, 1000)];
  const pieces = roadPieces(roads, raster, 25);

  it('cuts the roads into pieces that keep their length', () => {
    expect(raster.width).toBe(Math.ceil(((BOX[2] - BOX[0]) * kx) / 50));
    for (let r = 0; r < roads.length; r++) {
      let sum = 0;
      for (let p = 0; p < pieces.count; p++) if (pieces.road[p] === r) sum += pieces.lengthM[p]!;
      expect(sum).toBeCloseTo(1000, 0);
    }
    expect(pieces.count).toBe(3 * 40);
  });

  it('paints nothing when every road flows freely', () => {
    const density = congestionDensity(pieces, [255, byte(0.8), byte(FREE_FLOW_INDEX)], raster);
    expect(density.every((v) => v === 0)).toBe(true);
    const { classes, congestedCells } = congestionAreaClasses(density);
    expect(congestedCells).toBe(0);
    expect(classes.every((k) => k === 0)).toBe(true);
    expect(paintCongestionArea(raster, classes).pixels.every((v) => v === 0)).toBe(true);
  });

  it('lies around the jammed road only, strongest over it, and a road the frame does not have is free', () => {
    const density = congestionDensity(pieces, [byte(0.1), 255], raster);
    const cellOf = (dx: number, dy: number) => Math.floor(raster.height - dy / 50) * raster.width + Math.floor(dx / 50);
    // Over the middle of the jammed road, 250 m off it (the kernel's edge), and over the free ones.
    expect(density[cellOf(1000, 500)]).toBeGreaterThan(0);
    expect(density[cellOf(1000, 500)]).toBeGreaterThan(density[cellOf(1000, 650)]!);
    expect(density[cellOf(1000, 800)]).toBe(0);
    expect(density[cellOf(3500, 3000)]).toBe(0);
    expect(density[cellOf(1000, 3000)]).toBe(0);
  });

  it('ranks the congested cells: a worse jam is the top classes, the bottom half is not drawn', () => {
    // A severe jam on one road, a mild slowdown on another; the third free.
    const density = congestionDensity(pieces, [byte(0.05), byte(0.6), 255], raster);
    const { classes, congestedCells } = congestionAreaClasses(density);
    const cellOf = (dx: number, dy: number) => Math.floor(raster.height - dy / 50) * raster.width + Math.floor(dx / 50);
    expect(classes[cellOf(1000, 500)]).toBeGreaterThanOrEqual(4);
    expect(classes[cellOf(3500, 3000)]).toBeLessThan(classes[cellOf(1000, 500)]!);
    const painted = classes.filter((k) => k > 0).length;
    // The bottom half of the congested cells stays unpainted (ties at the median may add a few).
    expect(painted).toBeLessThanOrEqual(Math.ceil(congestedCells / 2));
    expect(painted).toBeGreaterThan(congestedCells / 3);
    // And the congested area is a small part of the city: not the whole map hot.
    expect(congestedCells / classes.length).toBeLessThan(0.2);
    const image = paintCongestionArea(raster, classes);
    expect(image.classCounts.reduce((a, b) => a + b, 0)).toBe(classes.length);
    expect(image.classCounts[0]).toBe(classes.length - painted);
    expect(image.pixels[4 * cellOf(1000, 500) + 3]).toBeGreaterThan(0);
  });
});

describe('the breaks of the area classes', () => {
  it('are densityRamp’s percentile breaks, found by selection', () => {
    // Seeded values with ties and runs, and the small and empty cases.
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 2, 3, 10, 99, 1000, 20_000]) {
      const values = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 3 : Math.round(next() * 50) / 7));
      expect(percentileBreaks(values.slice())).toEqual(densityBreaks(values));
    }
  });
});

describe('a road as its tooltip reads it', () => {
  it('gives the level, the index, the speed now and at free flow from the ratio byte', () => {
    const road = { name: { zh: '阳湖路', en: 'Yanghu Road' }, class: 'secondary' as const, speedKph: 40 };
    expect(roadReading(road, 255)).toMatchObject({ level: 'free', index: 1, currentKph: 40, freeKph: 40 });
    const jam = roadReading(road, 51);
    expect(jam.level).toBe('severe');
    expect(jam.index).toBeCloseTo(0.2, 9);
    expect(jam.currentKph).toBeCloseTo(8, 9);
    expect(roadReading(road, byte(0.6)).level).toBe('slow');
    expect(roadReading(road, byte(0.4)).level).toBe('congested');
  });
});
