import { describe, expect, it } from 'vitest';
import { patrolAlertChanges, type AlertCell } from '../../server/coverage/patrolAlerts.js';
import { patrolHoursBetween } from '../../server/coverage/patrolHours.js';

/** Two towns of 100 cells, ten responsibility grids of ten cells each. */
const cells: AlertCell[] = Array.from({ length: 200 }, (_, i) => ({ townCode: i < 100 ? 'A' : 'B', responsibilityGridCode: `g${Math.floor(i / 10)}` }));

describe('patrol alerts', () => {
  it('raise a town once when more than 15 % of its cells are twice late, name its worst grids, and clear it only under 10 %', () => {
    const raised = new Set<string>();
    const late = new Float64Array(200);
    // Town A: 20 cells twice late, 12 of them in grid g3.
    for (let i = 30; i < 42; i++) late[i] = 2.5;
    for (let i = 60; i < 68; i++) late[i] = Infinity;
    // Town B: 10 cells a little late, none twice.
    for (let i = 100; i < 110; i++) late[i] = 1.9;
    const first = patrolAlertChanges(cells, (c) => late[c]!, raised);
    expect(first).toEqual([
      { townCode: 'A', state: 'raised', overdueCells: 20, cells: 100, worstGrids: [{ responsibilityGridCode: 'g3', overdueCells: 10 }, { responsibilityGridCode: 'g6', overdueCells: 8 }, { responsibilityGridCode: 'g4', overdueCells: 2 }] },
    ]);
    // Nothing new: no second alert for the same state.
    expect(patrolAlertChanges(cells, (c) => late[c]!, raised)).toEqual([]);
    // Down to 12 %: between the lines, still raised, no alert.
    for (let i = 60; i < 68; i++) late[i] = 0;
    expect(patrolAlertChanges(cells, (c) => late[c]!, raised)).toEqual([]);
    // Under 10 %: cleared.
    for (let i = 30; i < 34; i++) late[i] = 0;
    expect(patrolAlertChanges(cells, (c) => late[c]!, raised).map((a) => [a.townCode, a.state, a.overdueCells])).toEqual([['A', 'cleared', 8]]);
    expect(raised.size).toBe(0);
  });

  it('count patrol hours only in the patrol stretches (08:30–11:30, 14:30–17:30 China time)', () => {
    const at = (iso: string) => Date.parse(`${iso}+08:00`);
    expect(patrolHoursBetween(at('2026-11-23T08:00:00'), at('2026-11-23T12:00:00'))).toBe(3);
    expect(patrolHoursBetween(at('2026-11-23T17:00:00'), at('2026-11-24T09:00:00'))).toBe(1);
    expect(patrolHoursBetween(at('2026-11-23T00:00:00'), at('2026-11-25T00:00:00'))).toBe(12);
    expect(patrolHoursBetween(at('2026-11-23T12:00:00'), at('2026-11-23T08:00:00'))).toBe(0);
  });
});
