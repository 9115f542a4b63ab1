/**
 * Alerts when cells go unpatrolled, aggregated per town so that a quiet hour never raises ten
 * thousand alerts: a town is raised when more than `raiseShare` of its cells are past their patrol
 * interval by `margin` times (in patrol hours), and cleared when that falls back under `clearShare`
 * (the gap between the two keeps a town near the line from flapping). Each alert names the
 * responsibility grids with the most overdue cells, where a dispatcher sends someone first. Pure:
 * the caller keeps the set of raised towns between calls.
 */
export interface PatrolAlertOptions {
  margin: number;
  raiseShare: number;
  clearShare: number;
  /** How many of the worst responsibility grids an alert names. */
  worstGrids: number;
}

export const DEFAULT_PATROL_ALERTS: PatrolAlertOptions = { margin: 2, raiseShare: 0.15, clearShare: 0.1, worstGrids: 5 };

export interface TownPatrolAlert {
  townCode: string;
  state: 'raised' | 'cleared';
  overdueCells: number;
  cells: number;
  worstGrids: { responsibilityGridCode: string; overdueCells: number }[];
}

export interface AlertCell {
  townCode: string;
  responsibilityGridCode: string;
}

/** The towns whose state changed since `raised` (which is updated in place). `lateRatio` is patrol hours since / interval (Infinity: never). */
export function patrolAlertChanges(cells: readonly AlertCell[], lateRatio: (cell: number) => number, raised: Set<string>, opts: PatrolAlertOptions = DEFAULT_PATROL_ALERTS): TownPatrolAlert[] {
  const towns = new Map<string, { cells: number; overdue: number; grids: Map<string, number> }>();
  cells.forEach((c, i) => {
    let t = towns.get(c.townCode);
    if (!t) towns.set(c.townCode, (t = { cells: 0, overdue: 0, grids: new Map() }));
    t.cells += 1;
    if (lateRatio(i) >= opts.margin) {
      t.overdue += 1;
      t.grids.set(c.responsibilityGridCode, (t.grids.get(c.responsibilityGridCode) ?? 0) + 1);
    }
  });
  const out: TownPatrolAlert[] = [];
  for (const [townCode, t] of [...towns].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const share = t.overdue / t.cells;
    const was = raised.has(townCode);
    const state = !was && share > opts.raiseShare ? 'raised' : was && share < opts.clearShare ? 'cleared' : null;
    if (state === null) continue;
    if (state === 'raised') raised.add(townCode);
    else raised.delete(townCode);
    const worstGrids = [...t.grids]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, opts.worstGrids)
      .map(([responsibilityGridCode, overdueCells]) => ({ responsibilityGridCode, overdueCells }));
    out.push({ townCode, state, overdueCells: t.overdue, cells: t.cells, worstGrids });
  }
  return out;
}
