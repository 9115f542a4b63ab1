import type { CityLayer } from '../../shared/index.js';
import type { TownCoverageDay } from '../store/store.js';

const LOCAL_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The local day (China time) holding `ms`, as YYYY-MM-DD, and when it starts. */
export function localDayOf(ms: number): { day: string; startMs: number } {
  const n = Math.floor((ms + LOCAL_OFFSET_MS) / DAY_MS);
  return { day: new Date(n * DAY_MS).toISOString().slice(0, 10), startMs: n * DAY_MS - LOCAL_OFFSET_MS };
}

/**
 * Each town's coverage over one day: the share of its cells patrolled at least once that day (the
 * cell's last patrol at or after the day's start, read just after the day's end), the share of its
 * area under a working camera and of its cells with an inspector, at the day's end. Pure.
 */
export function townCoverageDay(
  day: string,
  cells: CityLayer<'grid'>['features'],
  patrolledThatDay: (cell: number) => boolean,
  cameraShare: (cell: number) => number,
  hasInspector: (cell: number) => boolean,
): TownCoverageDay[] {
  const acc = new Map<string, { cells: number; patrolled: number; area: number; seen: number; inspector: number }>();
  cells.forEach((f, c) => {
    const p = f.properties;
    let t = acc.get(p.townCode);
    if (!t) acc.set(p.townCode, (t = { cells: 0, patrolled: 0, area: 0, seen: 0, inspector: 0 }));
    t.cells += 1;
    if (patrolledThatDay(c)) t.patrolled += 1;
    t.area += p.areaM2;
    t.seen += p.areaM2 * cameraShare(c);
    if (hasInspector(c)) t.inspector += 1;
  });
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return [...acc]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([townCode, t]) => ({ day, townCode, patrolled: r3(t.patrolled / t.cells), underCamera: r3(t.seen / t.area), withInspector: r3(t.inspector / t.cells) }));
}
