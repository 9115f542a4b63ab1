import type { StoredCampaign } from '../store/campaignStore.js';
import { DAY_MS, WEEK_MS } from './campaignProgress.js';
import type { ScopedPoint } from './campaignMeasures.js';

const CHINA_OFFSET_MS = 8 * 3_600_000;
/** Public reports: the 12345 hotline and the citizens' app (公众举报). */
const PUBLIC_SOURCES = ['hotline_12345', 'citizen_app'] as const;
/** A town with fewer reports than this in the baseline says too little to be called weak. */
const MIN_REPORTS = 30;

/** The start of the local (China time) day holding `ms`. */
function localDayStart(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS - CHINA_OFFSET_MS;
}

/** The end of a month in China time (month 1–12): the start of the next month's first day. */
function endOfMonth(year: number, month: number): number {
  return Date.UTC(year, month, 1) - CHINA_OFFSET_MS;
}

/** The first end of `month` (1–12) after `ms`: a plan made in December is due the coming March. */
export function nextEndOf(month: number, ms: number): number {
  const year = new Date(ms + CHINA_OFFSET_MS).getUTCFullYear();
  const end = endOfMonth(year, month);
  return end > ms ? end : endOfMonth(year + 1, month);
}

/**
 * The towns whose public-report share (公众举报占比: what citizens reported ÷ all reports) was highest
 * over [since, until): where the inspectors miss most. Towns with too few reports are left out. Pure.
 */
export function weakestTowns(points: readonly ScopedPoint[], since: number, until: number, n: number): string[] {
  const byTown = new Map<string, { all: number; public: number }>();
  const pub = new Set<string>(PUBLIC_SOURCES);
  for (const p of points) {
    if (p.reportedAt < since || p.reportedAt >= until) continue;
    const t = byTown.get(p.townCode) ?? { all: 0, public: 0 };
    t.all += 1;
    if (pub.has(p.source)) t.public += 1;
    byTown.set(p.townCode, t);
  }
  return [...byTown.entries()]
    .filter(([, t]) => t.all >= MIN_REPORTS)
    .sort((a, b) => b[1].public / b[1].all - a[1].public / a[1].all || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([code]) => code);
}

/**
 * The Wujin seed's four campaigns (2027's 专项整治 plan), stored on a fresh database as examples a
 * leader edits or closes. The case campaigns are dated as launched four weeks before the first start,
 * so the review shows weeks of progress at once; their baselines are the eight weeks before that,
 * inside the back-filled history. Congestion slots are kept only 15 days (8 back-filled), so the
 * centre's campaign starts on the day of the first start, its baseline the week before.
 */
export function wujinCampaigns(now: number, points: readonly ScopedPoint[]): StoredCampaign[] {
  const today = localDayStart(now);
  const launched = today - 4 * WEEK_MS;
  const caseBaseline = { since: iso(launched - 8 * WEEK_MS), until: iso(launched) };
  const stamp = { status: 'active' as const, closedAt: null, createdAt: now, createdBy: 'system', updatedAt: now, updatedBy: 'system' };
  const weak = weakestTowns(points, launched - 8 * WEEK_MS, launched, 2);
  // One year's plan, its deadlines in order: a plan made in December ends the next December.
  const march = nextEndOf(3, launched);
  const june = nextEndOf(6, march);
  const september = nextEndOf(9, june);
  const december = nextEndOf(12, september);
  return [
    {
      // Cases of the main-road garbage theme (exposed and piled garbage, spills: within 50 m of an
      // arterial or expressway) reported per week, district-wide: down by half against the eight
      // weeks before the launch, by the end of March. The sanitation office answers for it.
      id: 'main-road-garbage',
      name: { zh: '主干道暴露垃圾专项整治', en: 'Main-road garbage campaign' },
      description: '主干道两侧50米内暴露垃圾、积存垃圾渣土、道路遗撒等案件周均数较基线下降50%。',
      scope: { theme: 'main_road_garbage', categories: [], area: { kind: 'district' } },
      target: { measure: { kind: 'case_count' }, direction: 'down', value: null, change: -0.5 },
      baseline: caseBaseline,
      startAt: launched,
      deadlineAt: march,
      unitCode: 'huanwei',
      ...stamp,
    },
    {
      // Cases of the material-yard theme (piled materials, construction waste, spills, unfenced
      // sites, muck trucks) registered and not closed, district-wide: none open by the end of June.
      // Its baseline is the count open at the launch. Law enforcement answers for it.
      id: 'material-yards',
      name: { zh: '堆物堆料与建筑垃圾清零行动', en: 'Material yards: no open case' },
      description: '乱堆物堆料、施工废弃料、渣土车违规运输等案件实现动态清零：无在办案件。',
      scope: { theme: 'material_yards', categories: [], area: { kind: 'district' } },
      target: { measure: { kind: 'open_cases' }, direction: 'down', value: 0, change: null },
      baseline: { since: iso(launched - WEEK_MS), until: iso(launched) },
      startAt: launched,
      deadlineAt: june,
      unitCode: 'cgzf',
      ...stamp,
    },
    {
      // The weakest towns' public-report share (公众举报占比: reports from the 12345 hotline and the
      // citizens' app ÷ all reports; high means the inspectors miss problems), both towns together:
      // down by 30 % by the end of September. The weakest town answers for it (属地).
      id: 'weak-areas',
      name: { zh: '薄弱区域监督提升', en: 'Weak areas: inspectors find first' },
      description: '公众举报占比最高的镇街加强巡查，公众举报占比较基线下降30%。',
      scope: { theme: null, categories: [], area: weak.length > 0 ? { kind: 'towns', towns: weak } : { kind: 'district' } },
      target: { measure: { kind: 'source_share', sources: [...PUBLIC_SOURCES] }, direction: 'down', value: null, change: -0.3 },
      baseline: caseBaseline,
      startAt: launched,
      deadlineAt: september,
      unitCode: weak[0] ?? 'cgzf',
      ...stamp,
    },
    {
      // The centre's congestion index in the peak hours (free-flow ÷ current travel time over the old
      // town's roads, 1 = free flowing, from the road speeds): up by 10 % (less congestion) against the
      // week before the start, by the end of the year. The traffic police answer for it.
      id: 'central-congestion',
      name: { zh: '中心城区交通拥堵治理', en: 'Central congestion campaign' },
      description: '湖塘老城区早晚高峰通行指数较基线提升10%，拥堵程度下降。',
      scope: { theme: 'congestion', categories: [], area: { kind: 'centre' } },
      target: { measure: { kind: 'congestion_index' }, direction: 'up', value: null, change: 0.1 },
      baseline: { since: iso(today - WEEK_MS), until: iso(today) },
      startAt: today,
      deadlineAt: december,
      unitCode: 'jiaojing',
      ...stamp,
    },
  ];
}

const iso = (ms: number) => new Date(ms).toISOString();
