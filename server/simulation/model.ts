import type { IncidentSource } from '../../shared/index.js';
import { SeededRandom } from '../seededRandom.js';
import { buildAttractors, componentSamplers, spread, type Sampler } from './attractors.js';
import type { SimContext } from './context.js';
import { loadPatterns, type CategoryPattern, type Patterns } from './patterns.js';

/** China time: the rhythm of the city follows local hours whatever the server's time zone. */
const LOCAL_OFFSET_MS = 8 * 3_600_000;
const MINUTE_MS = 60_000;

/** A report the simulator makes: what, where, who, and when (epoch ms). */
export interface SimReport {
  at: number;
  categoryCode: string;
  lon: number;
  lat: number;
  source: IncidentSource;
  description: string;
}

interface ActiveCategory {
  code: string;
  nameZh: string;
  pattern: CategoryPattern;
  /** Where its reports are made; `spreadM` overrides the pattern's scatter (a component's report stands at it). */
  samplers: { sample: Sampler; weight: number; spreadM?: number }[];
}

/** The share of a component category's reports made at an inventoried component (the rest anywhere its pattern says). */
const AT_COMPONENT_SHARE = 0.7;
/** A report at a component stands within a few metres of it (a phone's fix). */
const AT_COMPONENT_SPREAD_M = 3;

/** Everything derived once from the city, the catalog and the patterns. */
export interface SimModel {
  ctx: SimContext;
  categories: ActiveCategory[];
  /** Expected reports per minute, per [weekend 0|1][local hour][category]. */
  rates: Float64Array[][];
  patterns: Patterns;
  /** Factor on inspector reports by town, where the patterns set one (performance.towns[…].inspectorReports). */
  inspectorReports: Map<string, number>;
}

export function buildSimModel(ctx: SimContext, patterns: Patterns = loadPatterns()): SimModel {
  const samplers = buildAttractors(ctx.city);
  const atComponents = componentSamplers(ctx.city);
  const patterned = new Map(patterns.categories.map((c) => [c.code, c]));
  const unpatterned = ctx.categories.filter((c) => !patterned.has(c.code));
  const categories: ActiveCategory[] = [];
  for (const c of ctx.categories) {
    const own = patterned.get(c.code);
    const pattern = own ?? { ...patterns.background, weight: patterns.background.weight / Math.max(1, unpatterned.length) };
    const usable = pattern.attractors.flatMap((a) => (samplers[a.kind] ? [{ sample: samplers[a.kind]!, weight: a.weight }] : []));
    const fallback = samplers.cells ? [{ sample: samplers.cells, weight: 1 }] : [];
    const ownSamplers = usable.length ? usable : fallback;
    const component = atComponents.get(c.code);
    // Weighted so that the component sampler gets AT_COMPONENT_SHARE of the draws.
    const ownWeight = ownSamplers.reduce((sum, x) => sum + x.weight, 0);
    const withComponent = component && ownWeight > 0
      ? [...ownSamplers, { sample: component, weight: (ownWeight * AT_COMPONENT_SHARE) / (1 - AT_COMPONENT_SHARE), spreadM: AT_COMPONENT_SPREAD_M }]
      : ownSamplers;
    categories.push({ code: c.code, nameZh: c.name.zh, pattern, samplers: withComponent });
  }
  // Scale so that a working day yields incidentsPerDay on average.
  let weekdaySum = 0;
  for (const c of categories) for (const p of patterns.profiles[c.pattern.profile]!) weekdaySum += c.pattern.weight * p;
  const scale = patterns.incidentsPerDay / weekdaySum / 60;
  const rates = [0, 1].map((weekend) =>
    Array.from({ length: 24 }, (_, h) =>
      Float64Array.from(categories, (c) => {
        const wf = weekend ? (patterns.weekendFactor[c.pattern.profile] ?? 1) : 1;
        return scale * c.pattern.weight * patterns.profiles[c.pattern.profile]![h]! * wf;
      }),
    ),
  );
  const inspectorReports = new Map(
    Object.entries(patterns.performance.towns).flatMap(([town, p]) => (p.inspectorReports === undefined ? [] : [[town, p.inspectorReports] as const])),
  );
  return { ctx, categories, rates, patterns, inspectorReports };
}

function localHourAndWeekend(ms: number): { hour: number; weekend: 0 | 1 } {
  const local = new Date(ms + LOCAL_OFFSET_MS);
  const day = local.getUTCDay();
  return { hour: local.getUTCHours(), weekend: day === 0 || day === 6 ? 1 : 0 };
}

const SIDES = ['东侧', '西侧', '南侧', '北侧'];

function describe(template: string, road: string | null, place: string, category: string, rng: SeededRandom): string {
  return template
    .replaceAll('{road}', road ?? place)
    .replaceAll('{place}', place)
    .replaceAll('{side}', rng.pick(SIDES))
    .replaceAll('{n}', String(rng.int(1, 9)))
    .replaceAll('{category}', category);
}

/**
 * The reports of one simulated minute. Each minute draws from its own PRNG stream, derived from the
 * seed and the minute's number, so the stream is the same whether it is read minute by minute or
 * an hour at a time, live or as history.
 */
export function reportsInMinute(model: SimModel, seed: number, minute: number): SimReport[] {
  const start = minute * MINUTE_MS;
  const { hour, weekend } = localHourAndWeekend(start);
  const rates = model.rates[weekend]![hour]!;
  let total = 0;
  for (const r of rates) total += r;
  const rng = SeededRandom.derive(seed, 'minute', minute);
  const count = rng.poisson(total);
  const out: SimReport[] = [];
  for (let k = 0; k < count; k++) {
    const c = model.categories[rng.weighted(rates)]!;
    const at = start + Math.floor(rng.float() * MINUTE_MS);
    let spot;
    for (let attempt = 0; attempt < 8 && !spot; attempt++) {
      const from = c.samplers[rng.weighted(c.samplers.map((x) => x.weight))]!;
      const s = spread(from.sample(rng), from.spreadM ?? c.pattern.spreadM, rng, model.ctx.city.meta.center[1]);
      if (model.ctx.isInsideCity(s.lon, s.lat)) spot = s;
    }
    if (!spot) continue;
    const sources = Object.entries(c.pattern.sources) as [IncidentSource, number][];
    const shift = model.patterns.weekendSourceShift;
    // Where inspectors seldom patrol (a town's neglected edge, patterns.performance.towns), the
    // public reports what they miss: fewer inspector reports, the others' shares grow.
    const town = model.inspectorReports.size > 0 ? model.ctx.townAt(spot.lon, spot.lat) : undefined;
    const patrolled = (town === undefined ? undefined : model.inspectorReports.get(town)) ?? 1;
    const source = sources[rng.weighted(sources.map(([s, w]) => w * (weekend ? (shift[s] ?? 1) : 1) * (s === 'inspector' ? patrolled : 1)))]![0];
    out.push({
      at,
      categoryCode: c.code,
      lon: Math.round(spot.lon * 1e6) / 1e6,
      lat: Math.round(spot.lat * 1e6) / 1e6,
      source,
      description: describe(rng.pick(c.pattern.templates), spot.road, spot.place, c.nameZh, rng),
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

export { MINUTE_MS };
