import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oldestFirst, suggestDispatches, type CaseWithCandidates } from '../../server/dispatch/suggestions.js';
import { Suggestion, type Candidate } from '../../shared/index.js';

const T0 = Date.parse('2026-11-23T00:00:00Z');

/** A crew of a unit named after it (team-3 of unit-3), so that a suggestion's unit can be checked against its crew. */
function candidate(teamId: string, etaSeconds: number): Candidate {
  return {
    teamId,
    unitCode: `unit-of-${teamId}`,
    teamName: { zh: `${teamId} 班`, en: teamId },
    etaSeconds,
    distanceMeters: etaSeconds * 8,
    workload: 0,
    route: { type: 'LineString', coordinates: [[119.9, 31.7], [119.95, 31.71]] },
  };
}

/**
 * Waiting cases with candidate lists drawn from a small pool of teams (so that cases compete for the
 * same ones), each list distinct teams in rising ETA like the ranking gives; report times may tie.
 */
const batch = fc
  .array(
    fc.record({
      minutes: fc.integer({ min: 0, max: 30 }),
      teams: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 5 }),
      etas: fc.array(fc.integer({ min: 30, max: 3000 }), { minLength: 5, maxLength: 5 }),
    }),
    { maxLength: 20 },
  )
  .map((rows) =>
    rows.map(({ minutes, teams, etas }, i): CaseWithCandidates => {
      const sorted = [...etas].sort((a, b) => a - b);
      return {
        case: {
          id: `case-${String(i).padStart(2, '0')}`,
          version: 3,
          categoryCode: 'E0102',
          townCode: '320412100',
          gridCode: '320412100001001',
          reportedAt: new Date(T0 + minutes * 60_000).toISOString(),
        },
        candidates: teams.map((t, k) => candidate(`team-${t}`, sorted[k]!)),
        // The first unit able to handle it, or none at all.
        unitCode: i % 3 === 2 ? null : `unit-${i % 3}`,
      };
    }),
  );

describe('dispatch suggestions, greedy oldest case first', () => {
  it('never suggest a team twice, give each case one of its own candidates, and its best one unless an older case took it', () => {
    // The order they are handed in must not matter: they come shuffled.
    const shuffled = batch.chain((w) => fc.tuple(fc.constant(w), fc.shuffledSubarray(w, { minLength: w.length, maxLength: w.length })));
    fc.assert(
      fc.property(shuffled, ([waiting, input]) => {
        const out = suggestDispatches(input);
        const byId = new Map(waiting.map((w) => [w.case.id, w]));
        expect(out.map((s) => s.caseId).sort()).toEqual(waiting.map((w) => w.case.id).sort());
        // Oldest first.
        for (let i = 1; i < out.length; i++) expect(oldestFirst(byId.get(out[i - 1]!.caseId)!.case, byId.get(out[i]!.caseId)!.case)).toBeLessThan(0);

        const assigned = out.filter((s) => s.teamId !== null);
        expect(new Set(assigned.map((s) => s.teamId)).size).toBe(assigned.length);

        const takenBefore = new Set<string>();
        for (const s of out) {
          expect(Suggestion.safeParse(s).success).toBe(true);
          const own = byId.get(s.caseId)!.candidates;
          if (s.teamId !== null) {
            const c = own.find((x) => x.teamId === s.teamId);
            expect(c).toBeDefined();
            expect(s.etaSeconds).toBe(c!.etaSeconds);
            expect(s.route).toEqual(c!.route);
            // Dispatched to the crew's own unit.
            expect([s.unitCode, s.teamName]).toEqual([c!.unitCode, c!.teamName]);
            // Its best still-free candidate: every better one was taken by an older case.
            for (const better of own.slice(0, own.indexOf(c!))) expect(takenBefore.has(better.teamId)).toBe(true);
          } else {
            expect(s.reason).toBe(own.length === 0 ? 'no_candidate' : 'candidates_taken');
            for (const x of own) expect(takenBefore.has(x.teamId)).toBe(true);
            // No crew to name: the unit itself, whose desk sends one.
            expect(s.unitCode).toBe(byId.get(s.caseId)!.unitCode);
          }
          const best = own[0];
          if (best && !takenBefore.has(best.teamId)) expect(s.teamId).toBe(best.teamId);
          if (s.teamId !== null) takenBefore.add(s.teamId);
        }
      }),
    );
  });

  it('let the older case have a contested team, and the newer one its next best', () => {
    const at = (iso: string, id: string, cands: Candidate[]): CaseWithCandidates => ({
      case: { id, version: 2, categoryCode: 'E0102', townCode: '320412100', gridCode: 'g', reportedAt: iso },
      candidates: cands,
      unitCode: 'huanwei',
    });
    const newer = at('2026-11-23T08:00:00Z', 'b', [candidate('A', 60), candidate('B', 120)]);
    const older = at('2026-11-23T07:00:00Z', 'a', [candidate('A', 300)]);
    const lonely = at('2026-11-23T09:00:00Z', 'c', [candidate('A', 30)]);
    const none = at('2026-11-23T06:00:00Z', 'd', []);
    expect(suggestDispatches([newer, lonely, older, none]).map((s) => [s.caseId, s.unitCode, s.teamId, s.reason])).toEqual([
      ['d', 'huanwei', null, 'no_candidate'],
      ['a', 'unit-of-A', 'A', null],
      ['b', 'unit-of-B', 'B', null],
      ['c', 'huanwei', null, 'candidates_taken'],
    ]);
  });
});
