import type { BlindSpot, City, CoverageAlertMessage, TownCoverageList } from '../../shared/index.js';
import type { GridIndex } from '../grid/gridIndex.js';
import type { Store } from '../store/store.js';
import { attractorsOfCells, busiestRoadOfCells } from './cellFacts.js';
import { blindSpotOf, blindSpotScores, expectedReports, patrolIntervals, reportGroups, type BlindSpotInputs } from './blindSpots.js';
import { patrolAlertChanges } from './patrolAlerts.js';
import { patrolHoursBetween } from './patrolHours.js';
import { localDayOf, townCoverageDay } from './townDays.js';

/** Reports are counted over this many days for under-reporting, and counted again this often. */
const REPORT_PERIOD_MS = 30 * 86_400_000;
const RECOUNT_MS = 3_600_000;
/** A cell counts as under a camera in a town's share by its area seen. */
const DAY_MS = 86_400_000;

export interface BlindSpotServiceDeps {
  city: City;
  grid: Pick<GridIndex, 'locate'>;
  store: { incidents: Pick<Store['incidents'], 'points'>; coverage: Pick<Store['coverage'], 'townDays'> };
  /** The live coverage: last patrol and camera share by cell. */
  lastPatrolAt(cell: number): number;
  cameraShare(cell: number): number;
  /** Whether an inspector answers for the cell now (the responsibility roster). */
  hasInspector(cell: number): boolean;
  now(): number;
}

/**
 * Scores the city's cells as blind spots (coverage/blindSpots.ts) on request, from the cells' fixed
 * facts (land use, the road they front, attractors: worked out once), the live coverage and the
 * roster, and the reports of the last 30 days per cell (counted again every hour, off the request path).
 */
export class BlindSpotService {
  private readonly inputs: BlindSpotInputs;
  private expected: Float64Array;
  private countedAt = -Infinity;
  private counting: Promise<void> | null = null;
  /** Towns whose patrol alert is raised now, and each one's alert as raised. */
  private readonly raised = new Set<string>();
  private readonly raisedAlerts = new Map<string, CoverageAlertMessage>();

  constructor(private readonly deps: BlindSpotServiceDeps) {
    const cells = deps.city.layers.grid.features;
    const landuse = cells.map((f) => f.properties.landuse);
    const roads = busiestRoadOfCells(deps.grid, deps.city.layers.roads.features, cells.length, deps.city.meta.center[1]);
    const attractors = attractorsOfCells(deps.grid, deps.city.layers.pois.features, cells.length);
    this.inputs = {
      cellCount: cells.length,
      lastPatrolAt: deps.lastPatrolAt,
      cameraShare: deps.cameraShare,
      hasInspector: deps.hasInspector,
      intervalHours: patrolIntervals(landuse, roads),
      reports: new Uint32Array(cells.length),
      group: reportGroups(landuse, roads, attractors),
    };
    this.expected = expectedReports(this.inputs.reports, this.inputs.group);
  }

  /** Counts the last 30 days' reports per cell (at most once an hour; concurrent callers share one count). */
  async refreshReports(): Promise<void> {
    const now = this.deps.now();
    if (now - this.countedAt < RECOUNT_MS) return;
    this.counting ??= (async () => {
      const counts = new Uint32Array(this.inputs.cellCount);
      for (const p of await this.deps.store.incidents.points(now - REPORT_PERIOD_MS, now)) {
        const c = this.deps.grid.locate(p.lon, p.lat);
        if (c >= 0) counts[c]! += 1;
      }
      this.inputs.reports.set(counts);
      this.expected = expectedReports(this.inputs.reports, this.inputs.group);
      this.countedAt = now;
    })().finally(() => {
      this.counting = null;
    });
    return this.counting;
  }

  /** Every cell's score now (0–1, by cell index), from the reports as last counted (refreshReports). */
  scores(): Float32Array {
    return blindSpotScores(this.inputs, this.deps.now());
  }

  /** The worst cells first (of a town, if given). */
  async worst(limit: number, townCode?: string): Promise<BlindSpot[]> {
    await this.refreshReports();
    const now = this.deps.now();
    const cells = this.deps.city.layers.grid.features;
    const scored: BlindSpot[] = [];
    for (let c = 0; c < cells.length; c++) {
      const p = cells[c]!.properties;
      if (townCode && p.townCode !== townCode) continue;
      const { score, reasons } = blindSpotOf(c, this.inputs, this.expected, now);
      if (score > 0) scored.push({ gridCode: p.code, townCode: p.townCode, cell: c, score: Math.round(score * 1000) / 1000, reasons });
    }
    return scored.sort((a, b) => b.score - a.score || (a.gridCode < b.gridCode ? -1 : 1)).slice(0, limit);
  }

  /**
   * Towns raised or cleared since the last call (patrolAlerts.ts), for the live picture's alerts;
   * the raised ones are kept for `raisedPatrolAlerts`.
   */
  patrolAlerts(): CoverageAlertMessage[] {
    const now = this.deps.now();
    const at = new Date(now).toISOString();
    const cells = this.deps.city.layers.grid.features.map((f) => f.properties);
    const changes = patrolAlertChanges(cells, (c) => {
      const last = this.inputs.lastPatrolAt(c);
      return Number.isNaN(last) ? Infinity : patrolHoursBetween(last, now) / this.inputs.intervalHours[c]!;
    }, this.raised);
    return changes.map((a) => {
      const alert = { ...a, at };
      if (a.state === 'raised') this.raisedAlerts.set(a.townCode, alert);
      else this.raisedAlerts.delete(a.townCode);
      return alert;
    });
  }

  /** The towns whose alert stands now, as raised: where a page that connects now starts. */
  raisedPatrolAlerts(): CoverageAlertMessage[] {
    return [...this.raisedAlerts.values()];
  }

  /** Each town's coverage now: patrolled in 24 h, area under a camera, cells with an inspector, mean score. */
  async towns(days = 7): Promise<TownCoverageList> {
    await this.refreshReports();
    const now = this.deps.now();
    const cells = this.deps.city.layers.grid.features;
    // The same shares as a day's end records (townDays.ts), over the last 24 h, and each town's mean score.
    const shares = new Map(
      townCoverageDay(
        localDayOf(now).day,
        cells,
        (c) => now - this.inputs.lastPatrolAt(c) <= DAY_MS,
        this.inputs.cameraShare,
        this.inputs.hasInspector,
      ).map((r) => [r.townCode, r]),
    );
    const scores = blindSpotScores(this.inputs, now);
    const scoreOf = new Map<string, { cells: number; sum: number }>();
    cells.forEach((f, c) => {
      const t = scoreOf.get(f.properties.townCode) ?? { cells: 0, sum: 0 };
      t.cells += 1;
      t.sum += scores[c]!;
      scoreOf.set(f.properties.townCode, t);
    });
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const today = localDayOf(now);
    const series: TownCoverageList['series'] = [];
    if (days > 0) {
      const from = localDayOf(today.startMs - days * DAY_MS).day;
      const to = localDayOf(today.startMs - 1).day;
      for (const r of await this.deps.store.coverage.townDays(from, to)) {
        if (series.at(-1)?.day !== r.day) series.push({ day: r.day, towns: [] });
        series.at(-1)!.towns.push({ townCode: r.townCode, patrolled: r.patrolled, underCamera: r.underCamera, withInspector: r.withInspector });
      }
    }
    return {
      at: new Date(now).toISOString(),
      series,
      towns: this.deps.city.meta.towns
        .filter((town) => shares.has(town.code))
        .map((town) => {
          const r = shares.get(town.code)!;
          const { cells: n, sum } = scoreOf.get(town.code)!;
          return { townCode: town.code, cells: n, patrolled24h: r.patrolled, underCamera: r.underCamera, withInspector: r.withInspector, meanScore: r3(sum / n) };
        }),
    };
  }
}
