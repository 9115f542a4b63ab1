import { area as turfArea, kinks } from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignArea, NewCampaign } from '../../shared/index.js';
import { blankDraft, draftOf, newCampaignOf } from '../../client/campaign/campaignDraft.js';
import {
  EMPTY_AREA,
  addVertex,
  areaKm2,
  areaProblem,
  clearArea,
  closeRing,
  drawnAreaOf,
  finishArea,
  moveVertex,
  polygonOf,
  undoVertex,
  vertexNear,
  type DrawnArea,
} from '../../client/campaign/drawnArea.js';

/**
 * The campaign form's drawn area (client/campaign/drawnArea.ts): whatever sequence of clicks, undos,
 * drags and finishes a leader makes, a ring the form would send passes the API's own CampaignArea
 * schema; crossed and too-small rings are refused before sending; the area in km² is turf's.
 */

const lon = fc.double({ min: 119.8, max: 120.1, noNaN: true });
const lat = fc.double({ min: 31.6, max: 31.9, noNaN: true });

/** One step of the leader's hand on the map and the buttons. */
const step = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constant('add' as const), lon, lat) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('undo' as const)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('finish' as const)) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('move' as const), fc.nat(30), lon, lat) },
  // The same place clicked again (a double click's second click) or a vertex dragged onto another.
  { weight: 1, arbitrary: fc.tuple(fc.constant('repeat' as const), fc.nat(30)) },
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function apply(a: DrawnArea, s: Step): DrawnArea {
  switch (s[0]) {
    case 'add':
      return addVertex(a, s[1], s[2]);
    case 'undo':
      return undoVertex(a);
    case 'finish':
      return finishArea(a);
    case 'move':
      return moveVertex(a, s[1], s[2], s[3]);
    case 'repeat': {
      const v = a.vertices[s[1] % Math.max(1, a.vertices.length)];
      return v ? (a.closed ? moveVertex(a, (s[1] + 1) % a.vertices.length, v[0], v[1]) : addVertex(a, v[0], v[1])) : a;
    }
  }
}

const draw = (steps: readonly Step[]) => steps.reduce(apply, EMPTY_AREA);

/**
 * A leader's drawing: either clicks anywhere (mostly crossed rings, refused), or the corners of a
 * star-shaped area clicked round in order and finished (a simple ring), followed by more steps of any kind.
 */
const star = fc
  .tuple(lon, lat, fc.array(fc.tuple(fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), fc.double({ min: 0.0005, max: 0.05, noNaN: true })), { minLength: 3, maxLength: 25 }))
  .map(([cx, cy, corners]): Step[] => [
    ...[...corners].sort((p, q) => p[0] - q[0]).map(([angle, r]): Step => ['add', cx + r * Math.cos(angle), cy + r * Math.sin(angle)]),
    ['finish'],
  ]);
const drawing = fc.oneof(
  fc.array(step, { maxLength: 40 }),
  fc.tuple(star, fc.array(step, { maxLength: 6 })).map(([s, tail]) => [...s, ...tail]),
);

describe('a drawn campaign area', () => {
  it('any area the form would send passes the API\'s CampaignArea schema, closed where it started', () => {
    let sent = 0;
    fc.assert(
      fc.property(drawing, (steps) => {
        const a = draw(steps);
        const polygon = polygonOf(a);
        if (areaProblem(a) !== null) return;
        sent += 1;
        const parsed = CampaignArea.safeParse({ kind: 'polygon', polygon });
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        const ring = polygon.coordinates[0]!;
        expect(ring.at(-1)).toEqual(ring[0]);
        // Accepted means what the form promises: three distinct vertices, no crossing, an inside.
        expect(new Set(ring.map((p) => p.join())).size).toBeGreaterThanOrEqual(3);
        expect(kinks(polygon).features).toHaveLength(0);
        expect(areaKm2(a)).toBeGreaterThan(0);
        // And the whole request the draft makes of it is one the API takes.
        const body = NewCampaign.parse(newCampaignOf({ ...blankDraft(Date.parse('2026-12-06T04:00:00Z'), 'huanwei'), nameZh: '市场街整治', areaKind: 'polygon', drawn: a }));
        expect(body.scope.area).toEqual({ kind: 'polygon', polygon });
      }),
      { numRuns: 400 },
    );
    // The property is about sendable areas: enough of the runs must have made one.
    expect(sent).toBeGreaterThan(40);
  });

  it('a finished area comes back from the API\'s polygon as it was drawn', () => {
    fc.assert(
      fc.property(drawing, (steps) => {
        const a = draw(steps);
        if (areaProblem(a) !== null) return;
        const back = drawnAreaOf(polygonOf(a));
        expect(polygonOf(back)).toEqual(polygonOf(a));
        expect(back.closed).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses fewer than three distinct vertices, however many clicks', () => {
    let a = addVertex(EMPTY_AREA, 119.95, 31.75);
    a = addVertex(a, 119.95, 31.75);
    a = addVertex(a, 119.96, 31.75);
    expect(a.vertices).toHaveLength(2);
    expect(finishArea(a).closed).toBe(false);
    expect(areaProblem(a)).toBe('too_few');
    // A third vertex dragged onto the first is still two.
    a = moveVertex(addVertex(a, 119.97, 31.76), 2, 119.95, 31.75);
    expect(areaProblem(a)).toBe('too_few');
    expect(CampaignArea.safeParse({ kind: 'polygon', polygon: polygonOf(a) }).success).toBe(false);
  });

  it('refuses a ring that crosses itself (a bow-tie) and takes it once a vertex is dragged back', () => {
    let a = EMPTY_AREA;
    for (const [x, y] of [[119.90, 31.70], [120.00, 31.80], [120.00, 31.70], [119.90, 31.80]] as const) a = addVertex(a, x, y);
    a = finishArea(a);
    expect(a.closed).toBe(true);
    expect(areaProblem(a)).toBe('self_intersecting');
    // One corner dragged onto its neighbour: one vertex, a triangle, no longer crossed.
    a = moveVertex(a, 1, 120.00, 31.70);
    expect(areaProblem(a)).toBe(null);
    expect(polygonOf(a).coordinates[0]).toHaveLength(4);
    // Dragged on, a square.
    a = moveVertex(a, 2, 120.00, 31.80);
    expect(areaProblem(a)).toBe(null);
  });

  it('refuses three vertices in a line: no inside', () => {
    let a = EMPTY_AREA;
    for (const x of [119.9, 119.95, 120.0]) a = addVertex(a, x, 31.75);
    expect(areaProblem(finishArea(a))).toBe('self_intersecting');
  });

  it('asks for the ring to be finished before it is sent; undo opens it again, then takes back vertices', () => {
    let a = EMPTY_AREA;
    for (const [x, y] of [[119.9, 31.7], [120.0, 31.7], [120.0, 31.8], [119.9, 31.8]] as const) a = addVertex(a, x, y);
    expect(areaProblem(a)).toBe('unfinished');
    a = finishArea(a);
    expect(areaProblem(a)).toBe(null);
    expect(addVertex(a, 119.95, 31.9)).toBe(a);
    a = undoVertex(a);
    expect(a).toMatchObject({ closed: false });
    expect(a.vertices).toHaveLength(4);
    expect(undoVertex(a).vertices).toHaveLength(3);
    expect(clearArea()).toEqual(EMPTY_AREA);
  });

  it('gives the area in km² as turf measures the closed ring', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(lon, lat), { minLength: 3, maxLength: 12 }), (points) => {
        const a = finishArea(points.reduce<DrawnArea>((acc, [x, y]) => addVertex(acc, x, y), EMPTY_AREA));
        if (areaProblem(a) !== null) return;
        const expected = turfArea({ type: 'Polygon', coordinates: [closeRing(a.vertices)] }) / 1e6;
        expect(areaKm2(a)).toBeCloseTo(expected, 9);
      }),
    );
    // A 0.01° square at 31.75° N: about 1.11 km × 0.946 km.
    let sq = EMPTY_AREA;
    for (const [x, y] of [[119.95, 31.75], [119.96, 31.75], [119.96, 31.76], [119.95, 31.76]] as const) sq = addVertex(sq, x, y);
    expect(areaKm2(finishArea(sq))).toBeGreaterThan(1.03);
    expect(areaKm2(finishArea(sq))).toBeLessThan(1.07);
  });

  it('keeps a stored polygon\'s holes through an edit of its outer ring', () => {
    const outer = [[119.9, 31.7], [120.0, 31.7], [120.0, 31.8], [119.9, 31.8], [119.9, 31.7]];
    const hole = [[119.94, 31.74], [119.96, 31.74], [119.96, 31.76], [119.94, 31.74]];
    const a = drawnAreaOf({ coordinates: [outer, hole] });
    expect(a.vertices).toHaveLength(4);
    const moved = moveVertex(a, 2, 120.01, 31.81);
    const polygon = polygonOf(moved);
    expect(polygon.coordinates[1]).toEqual(hole);
    expect(polygon.coordinates[0]![2]).toEqual([120.01, 31.81]);
    expect(CampaignArea.safeParse({ kind: 'polygon', polygon }).success).toBe(true);
    // The stored campaign's draft carries it, and clearing it drops the hole too.
    expect(areaKm2(a)).toBeLessThan(areaKm2({ ...a, holes: [] }));
    expect(polygonOf(clearArea()).coordinates).toEqual([[]]);
  });

  it('finds the vertex under the pointer, the nearest within the radius', () => {
    const drawnAt = [{ x: 10, y: 10 }, { x: 16, y: 10 }, { x: 100, y: 100 }];
    expect(vertexNear(drawnAt, { x: 14, y: 10 }, 9)).toBe(1);
    expect(vertexNear(drawnAt, { x: 11, y: 11 }, 9)).toBe(0);
    expect(vertexNear(drawnAt, { x: 50, y: 50 }, 9)).toBe(-1);
  });

  it('reads a stored polygon campaign into a finished drawing', () => {
    const polygon = { type: 'Polygon' as const, coordinates: [[[119.9, 31.7], [120.0, 31.7], [120.0, 31.8], [119.9, 31.7]] as [number, number][]] };
    const d = draftOf({
      id: 'market-street', name: { zh: '市场街', en: 'Market street' }, description: '', status: 'active', closedAt: null,
      scope: { theme: null, categories: [], area: { kind: 'polygon', polygon } },
      target: { measure: { kind: 'case_count' }, direction: 'down', value: null, change: -0.3 },
      baseline: { since: '2026-09-30T16:00:00.000Z', until: '2026-10-31T16:00:00.000Z' },
      startAt: '2026-11-07T16:00:00.000Z', deadlineAt: '2027-09-30T16:00:00.000Z', unitCode: 'cgzf',
      createdAt: '2026-12-01T00:00:00.000Z', createdBy: 'system', updatedAt: '2026-12-01T00:00:00.000Z', updatedBy: 'system',
    });
    expect(d.areaKind).toBe('polygon');
    expect(d.drawn).toEqual({ vertices: [[119.9, 31.7], [120.0, 31.7], [120.0, 31.8]], closed: true, holes: [] });
    expect(areaProblem(d.drawn)).toBe(null);
  });
});
