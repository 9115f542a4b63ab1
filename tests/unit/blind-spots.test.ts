import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blindSpotOf, BLIND_SPOT_WEIGHTS, blindSpotScores, expectedReports, patrolIntervals, reportGroups, type BlindSpotInputs } from '../../server/coverage/blindSpots.js';
import type { LanduseClass, RoadClass } from '../../shared/index.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-23T12:00:00+08:00');

/** A constructed city of 120 cells, all well watched: patrolled an hour ago, seen by a camera, with an inspector, reporting like their group. */
function scenario(): { inputs: BlindSpotInputs; last: Float64Array; camera: Float32Array; inspector: Uint8Array } {
  const n = 120;
  const landuse: LanduseClass[] = Array.from({ length: n }, (_, c) => (['commercial', 'residential', 'farmland'] as const)[c % 3]!);
  const roads: (RoadClass | null)[] = Array.from({ length: n }, (_, c) => (c % 4 === 0 ? 'arterial' : 'local'));
  const group = reportGroups(landuse, roads, new Uint8Array(n));
  const last = new Float64Array(n).fill(NOW - HOUR);
  const camera = new Float32Array(n).fill(1);
  const inspector = new Uint8Array(n).fill(1);
  const reports = new Uint32Array(n).fill(10);
  return {
    last,
    camera,
    inspector,
    inputs: { cellCount: n, lastPatrolAt: (c) => last[c]!, cameraShare: (c) => camera[c]!, hasInspector: (c) => inspector[c] === 1, intervalHours: patrolIntervals(landuse, roads), reports, group },
  };
}

describe('blind spots', () => {
  it('rank the planted blind spots first, each with its planted reason, and leave the well-watched cells at zero', () => {
    const s = scenario();
    s.last[7] = NaN; // never patrolled, and no camera sees it
    s.camera[7] = 0;
    s.inspector[23] = 0; // nobody answers for it
    // Late for a patrol, both; no camera sees 61, one sees all of 67 (both homes on back streets: 6 patrol hours; two days ago is 12).
    s.last[61] = NOW - 48 * HOUR;
    s.last[67] = NOW - 48 * HOUR;
    s.camera[61] = 0;
    // A cell patrolled as it should be is no blind spot, camera or not.
    s.camera[64] = 0;
    s.inputs.reports[42] = 4; // its comparable cells report ten a month, it reports four
    const scores = blindSpotScores(s.inputs, NOW);
    const ranked = Array.from(scores, (score, c) => ({ c, score })).sort((a, b) => b.score - a.score);
    expect(ranked.slice(0, 5).map((r) => r.c)).toEqual([7, 61, 23, 67, 42]);
    expect(ranked[5]!.score).toBe(0);
    expect(scores[64]).toBe(0);
    const expected = expectedReports(s.inputs.reports, s.inputs.group);
    const reasonOf = (c: number) => blindSpotOf(c, s.inputs, expected, NOW).reasons[0]!;
    // Never patrolled, unseen: the patrol and the camera's whole weights.
    expect(blindSpotOf(7, s.inputs, expected, NOW).reasons.map((r) => [r.kind, r.weight])).toEqual([['patrol', BLIND_SPOT_WEIGHTS.patrol], ['camera', BLIND_SPOT_WEIGHTS.camera]]);
    expect(reasonOf(23)).toMatchObject({ kind: 'responsibility', value: 0, expected: 1 });
    expect(blindSpotOf(61, s.inputs, expected, NOW).reasons.map((r) => r.kind)).toEqual(['patrol', 'camera']);
    expect(blindSpotOf(67, s.inputs, expected, NOW).reasons.map((r) => r.kind)).toEqual(['patrol']);
    expect(reasonOf(42)).toMatchObject({ kind: 'under_reporting', value: 4 });
    expect(reasonOf(42).expected).toBeGreaterThan(9);
  });

  it('count patrols against the interval of the cell\'s kind, in patrol hours: a commercial cell on a main road is late sooner than a field, and the night does not count', () => {
    const s = scenario();
    // Cell 0: commercial on an arterial (1.5 patrol hours); cell 2: farmland on a local road (18). Both
    // last patrolled at 07:00: five hours ago by the clock, three patrol hours (08:30–11:30) by noon.
    s.last[0] = NOW - 5 * HOUR;
    s.last[2] = NOW - 5 * HOUR;
    const expected = expectedReports(s.inputs.reports, s.inputs.group);
    const commercial = blindSpotOf(0, s.inputs, expected, NOW);
    expect(commercial.reasons[0]).toMatchObject({ kind: 'patrol', value: 3, expected: 1.5 });
    expect(blindSpotOf(2, s.inputs, expected, NOW).score).toBe(0);
    // Seen at 17:00, the commercial cell is no later at 08:00 the next morning than at 17:30.
    const evening = Date.parse('2026-11-23T17:00:00+08:00');
    s.last[0] = evening;
    const at = (iso: string) => blindSpotOf(0, s.inputs, expected, Date.parse(iso)).score;
    expect(at('2026-11-24T08:00:00+08:00')).toBe(at('2026-11-23T17:30:00+08:00'));
    expect(at('2026-11-24T10:30:00+08:00')).toBeGreaterThan(0);
  });

  it('give every cell a score in [0, 1] that only grows as a patrol ages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 119 }), fc.double({ min: 0, max: 200, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (c, hours, cam, insp) => {
        const s = scenario();
        s.last[c] = NOW - hours * HOUR;
        s.camera[c] = cam;
        s.inspector[c] = insp ? 1 : 0;
        const expected = expectedReports(s.inputs.reports, s.inputs.group);
        const a = blindSpotOf(c, s.inputs, expected, NOW).score;
        const b = blindSpotOf(c, s.inputs, expected, NOW + 10 * HOUR).score;
        return a >= 0 && a <= 1 && b >= a;
      }),
    );
  });
});
