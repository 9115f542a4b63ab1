import { randomUUID } from 'node:crypto';
import { kinks } from '@turf/turf';
import type { Campaign, CampaignChange, CampaignDetail, CampaignsAnswer, CampaignWithProgress, HotspotTheme, NewCampaign, ThemePlace } from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { oneAtATime, writeAudited } from '../auth/auditedChange.js';
import type { Logger } from '../log.js';
import { Refusal } from '../refusal.js';
import type { StoredCampaign } from '../store/campaignStore.js';
import type { CongestionSlotRow, IncidentPoint, Store } from '../store/store.js';
import type { CampaignCases } from './campaignCases.js';
import { areaTest, measureOf, scopeCategories, wholeSince, type MeasureData } from './campaignMeasures.js';
import { campaignProgress, DAY_MS, WEEK_MS, type Measure } from './campaignProgress.js';
import { wujinCampaigns } from './wujinCampaigns.js';

const SEEDED_KEY = 'campaigns_seeded_at';
/**
 * Progress is recounted at most this often per campaign (the wall and the review poll each minute):
 * a campaign moves over weeks.
 */
const KEEP_MS = 5 * 60_000;
/** A span must have ended this long ago before its measure is kept for good (late reports settle). */
const SETTLED_MS = 60 * 60_000;
const SLOT_MS = 300_000;
/** A store whose first report comes this long after a span starts did not hold reports then. */
const REPORTS_SLACK_MS = 2 * DAY_MS;
/** The same for the congestion slots, stored every 5 minutes. */
const SLOTS_SLACK_MS = 3_600_000;
/**
 * Cases reported this long before a campaign's first span may still be open in it (those open now are
 * counted whatever their age); a closure limit is days, so a month is ample.
 */
const OPEN_LOOKBACK_MS = 30 * DAY_MS;
/** Fields whose change makes the kept measures wrong. */
const MEASURED_FIELDS = ['scope', 'target', 'baseline', 'startAt'] as const;

export interface CampaignServiceDeps {
  store: Pick<Store, 'campaigns' | 'meta' | 'transaction' | 'congestion'>;
  /** The cases the open-case measure reads, held in memory (campaignCases.ts). */
  cases: Pick<CampaignCases, 'casesOf'>;
  /** The reports of [since, until) a theme takes, its place tested (IncidentQueries.filteredPoints). */
  points(since: number, until: number, theme: HotspotTheme): Promise<IncidentPoint[]>;
  /** Whether a point lies within `metres` of a theme's place (ThemePlaces.isNear). */
  isNear(place: ThemePlace, lon: number, lat: number, metres: number): boolean;
  /** The centre's polygon the congestion index is measured on (data/city/centre.geojson). */
  centre: { type: 'Polygon'; coordinates: number[][][] };
  /** The congestion area code of the centre ('centre'). */
  centreArea: string;
  unitExists(code: string): boolean;
  townExists(code: string): boolean;
  categoryExists(code: string): boolean;
  now(): number;
}

/**
 * 专项整治: the campaigns the store keeps, held in memory, with their progress counted from the
 * reports, the cases and the congestion slots (campaignProgress, pure) and kept five minutes. Leaders'
 * and admins' writes are checked, then written with their audit entry, one at a time. Measures of
 * spans already past are kept in the store, so a campaign still knows its baseline once the points
 * and slots it was measured from have gone.
 */
export class CampaignService {
  private campaigns: Map<string, StoredCampaign>;
  private readonly counted = new Map<string, { at: number; updatedAt: number; detail: CampaignDetail }>();
  private readonly serially = oneAtATime();

  /** Loads the campaigns, storing the Wujin seed's four on the first start. */
  static async load(deps: CampaignServiceDeps & { log: Logger }): Promise<CampaignService> {
    if (!(await deps.store.meta.get(SEEDED_KEY))) {
      const now = deps.now();
      const points = await deps.points(now - 16 * WEEK_MS, now, 'all');
      const seeded = await deps.store.transaction(async (tx) => {
        if (await tx.meta.get(SEEDED_KEY)) return 0;
        const seeds = wujinCampaigns(now, points);
        for (const c of seeds) await tx.campaigns.put(c);
        await tx.meta.set(SEEDED_KEY, new Date(now).toISOString());
        return seeds.length;
      });
      if (seeded > 0) deps.log.info({ campaigns: seeded }, 'the Wujin seed\'s campaigns stored');
    }
    return new CampaignService(deps, await deps.store.campaigns.all());
  }

  private constructor(
    private readonly deps: CampaignServiceDeps,
    campaigns: readonly StoredCampaign[],
  ) {
    this.campaigns = new Map(campaigns.map((c) => [c.id, c]));
  }

  /** Every campaign with its progress now, active ones first, then by deadline. */
  async list(): Promise<CampaignsAnswer> {
    const all = [...this.campaigns.values()].sort((a, b) => (a.status === b.status ? a.deadlineAt - b.deadlineAt || a.id.localeCompare(b.id) : a.status === 'active' ? -1 : 1));
    const items: CampaignWithProgress[] = [];
    for (const c of all) {
      const { series: _series, ...withProgress } = await this.counted_(c);
      items.push(withProgress);
    }
    return { computedAt: new Date(this.deps.now()).toISOString(), items };
  }

  async detail(id: string): Promise<CampaignDetail> {
    const c = this.campaigns.get(id);
    if (!c) throw new Refusal(404, 'not_found', `No campaign has the id ${id}.`);
    return this.counted_(c);
  }

  async create(input: NewCampaign, ctx: AuditContext): Promise<CampaignDetail> {
    return this.serially(async () => {
      const now = this.deps.now();
      const id = input.id ?? `campaign-${randomUUID().slice(0, 8)}`;
      if (this.campaigns.has(id)) throw new Refusal(409, 'conflict', `A campaign has the id ${id} already.`);
      const by = ctx.principal?.name ?? 'anonymous';
      const c: StoredCampaign = {
        id,
        name: input.name,
        description: input.description,
        scope: input.scope,
        target: input.target,
        baseline: input.baseline,
        startAt: Date.parse(input.startAt),
        deadlineAt: Date.parse(input.deadlineAt),
        unitCode: input.unitCode,
        status: 'active',
        closedAt: null,
        createdAt: now,
        createdBy: by,
        updatedAt: now,
        updatedBy: by,
      };
      this.check(c);
      await writeAudited(this.deps.store, { ctx, action: 'campaign.create', objectType: 'campaign', objectId: id, detail: { campaign: campaignView(c) }, at: now }, (tx) => tx.campaigns.put(c));
      this.campaigns.set(id, c);
      return this.counted_(c);
    });
  }

  /** An edit, a close (`status: 'closed'`: judged as of now) or a reopening; audited with what changed. */
  async change(id: string, change: CampaignChange, ctx: AuditContext): Promise<CampaignDetail> {
    return this.serially(async () => {
      const before = this.campaigns.get(id);
      if (!before) throw new Refusal(404, 'not_found', `No campaign has the id ${id}.`);
      const now = this.deps.now();
      const status = change.status ?? before.status;
      const next: StoredCampaign = {
        ...before,
        ...(change.name ? { name: change.name } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
        ...(change.scope ? { scope: change.scope } : {}),
        ...(change.target ? { target: change.target } : {}),
        ...(change.baseline ? { baseline: change.baseline } : {}),
        ...(change.startAt ? { startAt: Date.parse(change.startAt) } : {}),
        ...(change.deadlineAt ? { deadlineAt: Date.parse(change.deadlineAt) } : {}),
        ...(change.unitCode ? { unitCode: change.unitCode } : {}),
        status,
        closedAt: status === before.status ? before.closedAt : status === 'closed' ? now : null,
        updatedAt: now,
        updatedBy: ctx.principal?.name ?? 'anonymous',
      };
      this.check(next);
      const changes = differences(campaignView(before), campaignView(next));
      if (Object.keys(changes).length === 0) return this.counted_(before);
      const remeasure = MEASURED_FIELDS.some((f) => f in changes);
      const action = status !== before.status ? (status === 'closed' ? 'campaign.close' : 'campaign.reopen') : 'campaign.update';
      await writeAudited(this.deps.store, { ctx, action, objectType: 'campaign', objectId: id, detail: { changes }, at: now }, async (tx) => {
        await tx.campaigns.put(next);
        if (remeasure) await tx.campaigns.dropMeasures(id);
      });
      this.campaigns.set(id, next);
      this.counted.delete(id);
      return this.counted_(next);
    });
  }

  /** Refuses what the schema cannot see: unknown codes, dates out of order, an index without its area. */
  private check(c: StoredCampaign): void {
    if (!this.deps.unitExists(c.unitCode)) throw new Refusal(422, 'unknown_unit', `No unit has the code ${c.unitCode}.`);
    const area = c.scope.area;
    if (area.kind === 'towns') {
      const unknown = area.towns.find((t) => !this.deps.townExists(t));
      if (unknown) throw new Refusal(422, 'unknown_town', `No town has the code ${unknown}.`);
    }
    // A boundary that crosses itself has no inside a leader could mean (the form refuses it too).
    if (area.kind === 'polygon' && kinks(area.polygon).features.length > 0) throw new Refusal(422, 'area_crosses_itself', 'The area’s boundary crosses itself.');
    const category = c.scope.categories.find((code) => !this.deps.categoryExists(code));
    if (category) throw new Refusal(422, 'unknown_category', `No category has the code ${category}.`);
    if (!(c.deadlineAt > c.startAt)) throw new Refusal(422, 'invalid_dates', 'The deadline must come after the start.');
    if (Date.parse(c.baseline.until) > c.deadlineAt) throw new Refusal(422, 'invalid_dates', 'The baseline must end before the deadline.');
    const index = c.target.measure.kind === 'congestion_index';
    if (index && area.kind !== 'centre' && area.kind !== 'towns') {
      throw new Refusal(422, 'invalid_target', 'The congestion index is measured on the centre or on towns.');
    }
    if (!index && c.scope.theme === 'congestion') throw new Refusal(422, 'invalid_target', 'The congestion theme has no cases: measure its index.');
    if (c.target.measure.kind === 'source_share' && c.target.value !== null && c.target.value > 1) {
      throw new Refusal(422, 'invalid_target', 'A share is at most 1.');
    }
  }

  /** The campaign with its progress and series, counted at most every five minutes (and after each change). */
  private async counted_(c: StoredCampaign): Promise<CampaignDetail> {
    const now = this.deps.now();
    const kept = this.counted.get(c.id);
    if (kept && kept.updatedAt === c.updatedAt && now - kept.at < KEEP_MS) return kept.detail;
    const plan = { target: c.target, baseline: { since: Date.parse(c.baseline.since), until: Date.parse(c.baseline.until) }, startAt: c.startAt, deadlineAt: c.deadlineAt, closedAt: c.closedAt };
    const asOf = Math.min(now, c.deadlineAt, c.closedAt ?? Infinity);
    const from = Math.min(plan.baseline.since, c.startAt, asOf - WEEK_MS);
    const data = await this.dataOf(c, from, Math.max(asOf, plan.baseline.until));
    const stored = new Map((await this.deps.store.campaigns.measures(c.id)).map((m) => [`${m.since}:${m.until}`, m.value]));
    const fresh: { since: number; until: number; value: number }[] = [];
    const raw = measureOf(c.target.measure, data);
    const measure: Measure = (since, until) => {
      const k = stored.get(`${since}:${until}`);
      if (k !== undefined) return k;
      const v = raw(since, until);
      if (v !== null && until <= now - SETTLED_MS) {
        stored.set(`${since}:${until}`, v);
        fresh.push({ since, until, value: v });
      }
      return v;
    };
    const { progress, series } = campaignProgress(plan, measure, now);
    if (fresh.length > 0) await this.deps.store.campaigns.putMeasures(fresh.map((m) => ({ campaignId: c.id, ...m })));
    const detail: CampaignDetail = { ...campaignView(c), progress, series };
    this.counted.set(c.id, { at: now, updatedAt: c.updatedAt, detail });
    return detail;
  }

  /** The scope's reports, cases or index slots over [since, until), as the campaign's measure needs them. */
  private async dataOf(c: StoredCampaign, since: number, until: number): Promise<MeasureData> {
    const kind = c.target.measure.kind;
    const inArea = areaTest(c.scope.area, this.deps.centre);
    const { categories, place } = scopeCategories(c.scope);
    const data: MeasureData = { points: [], cases: [], slots: [], wholeSince: since };
    if (kind === 'case_count' || kind === 'source_share' || kind === 'open_cases') {
      // Whole from the first report of any kind the store holds in the span (points come oldest first).
      data.wholeSince = wholeSince(since, (await this.deps.points(since, until, 'all'))[0]?.reportedAt, REPORTS_SLACK_MS);
    }
    if (kind === 'case_count' || kind === 'source_share') {
      const points = await this.deps.points(since, until, c.scope.theme ?? 'all');
      data.points = points.filter((p) => (!categories || categories.has(p.categoryCode)) && inArea(p));
    } else if (kind === 'open_cases') {
      const cases = await this.deps.cases.casesOf(categories, since - OPEN_LOOKBACK_MS);
      data.cases = cases.filter((p) => inArea(p) && (!place || this.deps.isNear(place, p.lon, p.lat, 50)));
    } else {
      const areas = c.scope.area.kind === 'towns' ? c.scope.area.towns : [this.deps.centreArea];
      const rows: CongestionSlotRow[] = await this.deps.store.congestion.between(Math.floor(since / SLOT_MS), Math.ceil(until / SLOT_MS), areas);
      data.slots = meanPerSlot(rows);
      const first = data.slots.reduce((m, s) => Math.min(m, s.slot), Infinity);
      data.wholeSince = wholeSince(since, first === Infinity ? undefined : first * SLOT_MS, SLOTS_SLACK_MS);
    }
    return data;
  }
}

/** Several areas' index in a slot as one: their mean (towns weigh alike). */
function meanPerSlot(rows: readonly CongestionSlotRow[]): { slot: number; index: number }[] {
  const bySlot = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    const s = bySlot.get(r.slot) ?? { sum: 0, n: 0 };
    s.sum += r.index;
    s.n += 1;
    bySlot.set(r.slot, s);
  }
  return [...bySlot.entries()].map(([slot, s]) => ({ slot, index: s.sum / s.n }));
}

function differences(a: Campaign, b: Campaign): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of Object.keys(a) as (keyof Campaign)[]) {
    if (k === 'updatedAt' || k === 'updatedBy') continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out[k] = { from: a[k], to: b[k] };
  }
  return out;
}

/** A stored campaign as the wire carries it. */
export function campaignView(c: StoredCampaign): Campaign {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    scope: c.scope,
    target: c.target,
    baseline: c.baseline,
    startAt: iso(c.startAt),
    deadlineAt: iso(c.deadlineAt),
    unitCode: c.unitCode,
    status: c.status,
    closedAt: c.closedAt === null ? null : iso(c.closedAt),
    createdAt: iso(c.createdAt),
    createdBy: c.createdBy,
    updatedAt: iso(c.updatedAt),
    updatedBy: c.updatedBy,
  };
}
