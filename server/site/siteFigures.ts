import { TIME_WINDOW_MS, type SiteDetail, type SiteKind, type SitesAnswer, type SiteWindow } from '../../shared/index.js';
import { Refusal } from '../refusal.js';
import type { IncidentPoint } from '../store/store.js';
import type { SiteRegistry } from './siteRegistry.js';
import { siteView } from './siteRegistry.js';
import { countSites, footprintOf, pointsSpanFor, rankSites, weekStartOf, weeklyCounts, type SiteCounts } from './siteStats.js';

/** Figures are counted again at most this often: incidents come by the minute, a leader reviews by the week. */
export const SITE_FIGURES_TTL_MS = 3 * 60_000;
/** The weeks of a site's history. */
export const SITE_HISTORY_WEEKS = 26;
const WEEK_MS = 7 * 86_400_000;

interface Counted {
  at: number;
  version: number;
  since: number;
  until: number;
  counts: Map<string, SiteCounts>;
}

/**
 * The sites' figures over a window, as GET /api/vacant-lots answers them: counted over the
 * incident points, kept per window and buffer for a few minutes (and until the registry changes),
 * the points themselves fetched once for every window.
 */
export class SiteFigures {
  private readonly counted = new Map<string, Promise<Counted>>();
  private points: { from: number; at: number; list: Promise<IncidentPoint[]> } | null = null;

  constructor(
    private readonly deps: {
      /**
       * The incident points reported in [since, until): the server's IncidentQueries#filteredPoints,
       * which answers from the points held in memory (server/incident/recentPoints.ts) and reads the
       * store only for spans older than those.
       */
      points(since: number, until: number): Promise<IncidentPoint[]>;
      registry: SiteRegistry;
      now: () => number;
      ttlMs?: number;
    },
  ) {}

  async list(q: { kind?: SiteKind; window: SiteWindow; buffer: number }): Promise<SitesAnswer> {
    const c = await this.count(q.window, q.buffer);
    const sites = this.deps.registry.all().filter((s) => q.kind === undefined || s.kind === q.kind);
    const items = rankSites(sites.map((s) => ({ ...siteView(s), stats: c.counts.get(s.id) ?? emptyCounts() })));
    return {
      window: q.window,
      bufferM: q.buffer,
      since: new Date(c.since).toISOString(),
      until: new Date(c.until).toISOString(),
      computedAt: new Date(c.at).toISOString(),
      items,
    };
  }

  /** One site: its figures ranked among the sites of its kind, its weekly history and its status changes. */
  async detail(id: string, q: { window: SiteWindow; buffer: number }): Promise<SiteDetail> {
    const site = this.deps.registry.get(id);
    if (!site) throw new Refusal(404, 'not_found', `No site has the id ${id}.`);
    const answer = await this.list({ kind: site.kind, window: q.window, buffer: q.buffer });
    const item = answer.items.find((s) => s.id === id)!;
    const now = this.deps.now();
    const points = await this.pointsSince(weekStartOf(now) - (SITE_HISTORY_WEEKS - 1) * WEEK_MS, now);
    const weeks = weeklyCounts(footprintOf(site, q.buffer), points, now, SITE_HISTORY_WEEKS);
    return {
      ...item,
      rankAmong: answer.items.length,
      weeks: weeks.map((w) => ({ start: new Date(w.start).toISOString(), total: w.total, byClass: w.byClass })),
      statusChanges: await this.deps.registry.statusChanges(id),
    };
  }

  private count(window: SiteWindow, bufferM: number): Promise<Counted> {
    const key = `${window}:${bufferM}`;
    const now = this.deps.now();
    const version = this.deps.registry.version;
    const cached = this.counted.get(key);
    if (cached) {
      // A settled count that is fresh and of this registry is kept; a pending one is shared.
      const settled = cached.then((c) => (now - c.at < this.ttl() && c.version === version ? c : null));
      return settled.then((c) => c ?? this.recount(key, window, bufferM, version));
    }
    return this.recount(key, window, bufferM, version);
  }

  private recount(key: string, window: SiteWindow, bufferM: number, version: number): Promise<Counted> {
    const run = (async () => {
      const now = this.deps.now();
      const windowMs = TIME_WINDOW_MS[window];
      const sites = this.deps.registry.all();
      const points = await this.pointsSince(pointsSpanFor(sites, now, windowMs), now);
      return { at: now, version, since: now - windowMs, until: now, counts: countSites(sites, points, { now, windowMs, bufferM }) };
    })();
    this.counted.set(key, run);
    run.catch(() => this.counted.delete(key));
    return run;
  }

  /** The incident points since `from`, fetched again when older than the cache's life or when they do not reach back far enough. */
  private pointsSince(from: number, now: number): Promise<IncidentPoint[]> {
    const p = this.points;
    if (p && p.from <= from && now - p.at < this.ttl()) return p.list;
    // Fetch from a little further back, so that a slightly older need does not refetch at once.
    const start = Math.min(from, p && now - p.at < this.ttl() ? p.from : from);
    const list = this.deps.points(start, now);
    this.points = { from: start, at: now, list };
    list.catch(() => {
      if (this.points?.list === list) this.points = null;
    });
    return list;
  }

  private ttl(): number {
    return this.deps.ttlMs ?? SITE_FIGURES_TTL_MS;
  }
}

function emptyCounts(): SiteCounts {
  return { inside: 0, withinBuffer: 0, byCategory: {}, bufferedHa: 0, ratePerHa: 0, previous: 0, change: null, beforeAfter: null };
}
