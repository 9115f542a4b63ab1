import type { Campaign, CampaignArea, CampaignChange, CampaignMeasureKind, HotspotTheme, IncidentSource, NewCampaign } from '../../shared/index.js';
import { chinaDate } from './campaignFormat.js';
import { EMPTY_AREA, drawnAreaOf, polygonOf, type DrawnArea } from './drawnArea.js';

/**
 * The campaign form's state as the leader types it (days, per cents, lists of codes), and the pure
 * steps between it and the API's NewCampaign / CampaignChange. The server checks what matters (codes,
 * dates in order, the index's area): the draft only shapes the request, so a refusal comes back whole.
 */
export interface CampaignDraft {
  nameZh: string;
  nameEn: string;
  description: string;
  theme: HotspotTheme | '';
  categories: string[];
  areaKind: CampaignArea['kind'];
  towns: string[];
  /** The area drawn on the form's map (kept while another kind is picked, so a switch back finds it). */
  drawn: DrawnArea;
  measure: CampaignMeasureKind;
  sources: IncidentSource[];
  direction: 'down' | 'up';
  targetKind: 'value' | 'change';
  /** The absolute target in the measure's own reading: cases, per cent for a share, the index. */
  value: string;
  /** The change against the baseline in per cent, −50 for down by half. */
  changePct: string;
  /** China-time days, YYYY-MM-DD; the deadline and the baseline's end are the last days included. */
  start: string;
  deadline: string;
  baselineSince: string;
  baselineUntil: string;
  unitCode: string;
}

const DAY_MS = 86_400_000;
/** The citizens' channels, 公众举报: what a share target measures unless told otherwise. */
export const PUBLIC_SOURCES: IncidentSource[] = ['hotline_12345', 'citizen_app'];

/** Midnight China time that starts a day, as an ISO instant. */
export function dayStartIso(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
}

/** The instant a day's last moment ends (the next midnight, China time): deadlines are exclusive ends. */
export function dayEndIso(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY_MS).toISOString();
}

/** The last day an exclusive end covers. */
const lastDay = (iso: string) => chinaDate(new Date(Date.parse(iso) - 1).toISOString());

/** A new campaign's draft: from today to three months on, measured against the four weeks before. */
export function blankDraft(now: number, unitCode: string): CampaignDraft {
  const today = chinaDate(new Date(now).toISOString());
  const dayOf = (offsetDays: number) => chinaDate(new Date(Date.parse(dayStartIso(today)) + offsetDays * DAY_MS).toISOString());
  return {
    nameZh: '',
    nameEn: '',
    description: '',
    theme: '',
    categories: [],
    areaKind: 'district',
    towns: [],
    drawn: EMPTY_AREA,
    measure: 'case_count',
    sources: [...PUBLIC_SOURCES],
    direction: 'down',
    targetKind: 'change',
    value: '',
    changePct: '-30',
    start: today,
    deadline: dayOf(90),
    baselineSince: dayOf(-28),
    baselineUntil: dayOf(-1),
    unitCode,
  };
}

/** The draft of a stored campaign, for editing. */
export function draftOf(c: Campaign): CampaignDraft {
  const m = c.target.measure;
  const share = m.kind === 'source_share';
  return {
    nameZh: c.name.zh,
    nameEn: c.name.en,
    description: c.description,
    theme: c.scope.theme ?? '',
    categories: [...c.scope.categories],
    areaKind: c.scope.area.kind,
    towns: c.scope.area.kind === 'towns' ? [...c.scope.area.towns] : [],
    drawn: c.scope.area.kind === 'polygon' ? drawnAreaOf(c.scope.area.polygon) : EMPTY_AREA,
    measure: m.kind,
    sources: m.kind === 'source_share' ? [...m.sources] : [...PUBLIC_SOURCES],
    direction: c.target.direction,
    targetKind: c.target.value !== null ? 'value' : 'change',
    value: c.target.value === null ? '' : String(share ? round(c.target.value * 100) : c.target.value),
    changePct: c.target.change === null ? '' : String(round(c.target.change * 100)),
    start: chinaDate(c.startAt),
    deadline: lastDay(c.deadlineAt),
    baselineSince: chinaDate(c.baseline.since),
    baselineUntil: lastDay(c.baseline.until),
    unitCode: c.unitCode,
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** A number typed in a field; what does not read as one goes as NaN, which the API refuses with its message. */
const numberOf = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

/** The request body of `POST /api/campaigns` (the server makes the id). */
export function newCampaignOf(d: CampaignDraft): NewCampaign {
  const share = d.measure === 'source_share';
  const value = d.targetKind === 'value' ? numberOf(d.value) / (share ? 100 : 1) : null;
  const change = d.targetKind === 'change' ? numberOf(d.changePct) / 100 : null;
  return {
    name: { zh: d.nameZh.trim(), en: d.nameEn.trim() || d.nameZh.trim() },
    description: d.description.trim(),
    scope: {
      theme: d.theme === '' ? null : d.theme,
      categories: [...d.categories],
      area: areaOf(d),
    },
    target: {
      measure: d.measure === 'source_share' ? { kind: 'source_share', sources: [...d.sources] } : { kind: d.measure },
      direction: d.direction,
      value,
      change,
    },
    baseline: { since: dayStartIso(d.baselineSince), until: dayEndIso(d.baselineUntil) },
    startAt: dayStartIso(d.start),
    deadlineAt: dayEndIso(d.deadline),
    unitCode: d.unitCode,
  };
}

function areaOf(d: CampaignDraft): CampaignArea {
  if (d.areaKind === 'towns') return { kind: 'towns', towns: [...d.towns] };
  // Sent as drawn: the form refuses an unfinished or crossed ring before it gets here (areaProblem).
  if (d.areaKind === 'polygon') return { kind: 'polygon', polygon: polygonOf(d.drawn) };
  return { kind: d.areaKind };
}

/** The body of `PATCH /api/campaigns/:id` that makes the campaign what the draft says (the server audits only what differs). */
export function changeOf(d: CampaignDraft): CampaignChange {
  return newCampaignOf(d);
}
