import { ReporterContact, type CallNature, type Category, type Incident, type IncidentStatus, type NewIncident, type Place } from '../../shared/index.js';

/**
 * The 12345 desk's state and its pure updaters (no React, no fetch): what the operator has typed and
 * picked for one call, the open cases of the same kind found near the point, and where saving stands.
 * The page dispatches actions; the tests call `deskReducer` directly.
 */

/** How far around the point open cases of the same category are looked for (metres). */
export const NEARBY_RADIUS_M = 200;
/** The states of a case that a repeat call joins rather than files again. */
export const OPEN_FOR_JOINING: readonly IncidentStatus[] = ['reported', 'accepted', 'registered', 'dispatched', 'handling'];
/** The natures in the order the desk offers them; the most common first. */
export const CALL_NATURES: readonly CallNature[] = ['request', 'complaint', 'enquiry', 'suggestion', 'thanks'];

/** An open case near the point, with how far it is. */
export interface NearbyCase {
  incident: Incident;
  distanceM: number;
}

export type NearbyCheck =
  /** Nothing asked yet (no point or no category). */
  | { state: 'idle' }
  | { state: 'loading'; key: string }
  | { state: 'done'; key: string; cases: NearbyCase[] }
  | { state: 'failed'; key: string; message: string };

export type SaveState =
  | { state: 'editing' }
  | { state: 'saving'; joining: string | null }
  /** Filed; `joined`: the number of the case it was joined to, or was meant for when joining failed (`joinError`). */
  | { state: 'saved'; incident: Incident; joined: string | null; joinError: string | null }
  | { state: 'failed'; message: string };

export interface DeskState {
  callerName: string;
  callerPhone: string;
  nature: CallNature;
  /** What is typed in the place box; the place picked from its results, and the point, moved on the map. */
  placeQuery: string;
  place: Place | null;
  point: [number, number] | null;
  categoryQuery: string;
  categoryCode: string | null;
  description: string;
  nearby: NearbyCheck;
  /** The operator has seen the open cases nearby and files a new one all the same (for this check's key). */
  fileAnywayKey: string | null;
  save: SaveState;
}

export type DeskAction =
  | { type: 'callerName'; value: string }
  | { type: 'callerPhone'; value: string }
  | { type: 'nature'; nature: CallNature }
  | { type: 'placeQuery'; query: string }
  | { type: 'placePicked'; place: Place; label: string }
  | { type: 'pointMoved'; lon: number; lat: number }
  | { type: 'categoryQuery'; query: string }
  | { type: 'categoryPicked'; category: Category; label: string }
  | { type: 'description'; value: string }
  | { type: 'nearbyLoading'; key: string }
  | { type: 'nearbyLoaded'; key: string; cases: NearbyCase[] }
  | { type: 'nearbyFailed'; key: string; message: string }
  | { type: 'fileAnyway' }
  | { type: 'saving'; joining: string | null }
  | { type: 'saved'; incident: Incident; joined: string | null; joinError?: string }
  | { type: 'saveFailed'; message: string }
  | { type: 'nextCall' };

export const EMPTY_DESK: DeskState = {
  callerName: '',
  callerPhone: '',
  nature: 'request',
  placeQuery: '',
  place: null,
  point: null,
  categoryQuery: '',
  categoryCode: null,
  description: '',
  nearby: { state: 'idle' },
  fileAnywayKey: null,
  save: { state: 'editing' },
};

/** A saved call stays on screen until the operator edits the next one: any edit starts it. */
const editing = (s: DeskState): DeskState => (s.save.state === 'saved' || s.save.state === 'failed' ? { ...s, save: { state: 'editing' } } : s);

/** The one function that changes the desk's state. */
export function deskReducer(s: DeskState, a: DeskAction): DeskState {
  switch (a.type) {
    case 'callerName':
      return { ...editing(s), callerName: a.value };
    case 'callerPhone':
      return { ...editing(s), callerPhone: a.value };
    case 'nature':
      return { ...editing(s), nature: a.nature };
    case 'placeQuery':
      return { ...editing(s), placeQuery: a.query };
    case 'placePicked':
      return { ...editing(s), place: a.place, placeQuery: a.label, point: [a.place.lon, a.place.lat] };
    case 'pointMoved':
      return { ...editing(s), point: [a.lon, a.lat] };
    case 'categoryQuery':
      return { ...editing(s), categoryQuery: a.query };
    case 'categoryPicked':
      return { ...editing(s), categoryCode: a.category.code, categoryQuery: a.label };
    case 'description':
      return { ...editing(s), description: a.value };
    case 'nearbyLoading':
      return { ...s, nearby: { state: 'loading', key: a.key } };
    case 'nearbyLoaded':
      // An answer for a point or category the operator has since changed is dropped.
      return a.key === nearbyKey(s) ? { ...s, nearby: { state: 'done', key: a.key, cases: a.cases } } : s;
    case 'nearbyFailed':
      return a.key === nearbyKey(s) ? { ...s, nearby: { state: 'failed', key: a.key, message: a.message } } : s;
    case 'fileAnyway':
      return { ...s, fileAnywayKey: nearbyKey(s) };
    case 'saving':
      return { ...s, save: { state: 'saving', joining: a.joining } };
    case 'saved':
      // The next call starts from an empty form; the saved case stays on screen until then.
      return { ...EMPTY_DESK, save: { state: 'saved', incident: a.incident, joined: a.joined, joinError: a.joinError ?? null } };
    case 'saveFailed':
      return { ...s, save: { state: 'failed', message: a.message } };
    case 'nextCall':
      return EMPTY_DESK;
  }
}

/** What the nearby check is about: the category and the point (to about a metre); null until both are known. */
export function nearbyKey(s: Pick<DeskState, 'categoryCode' | 'point'>): string | null {
  if (!s.categoryCode || !s.point) return null;
  return `${s.categoryCode}@${s.point[0].toFixed(5)},${s.point[1].toFixed(5)}`;
}

/** The fields still missing (or, for the phone and name, not valid) before a call can be filed, in the form's order. */
export function missingFields(s: DeskState): ('callerName' | 'callerPhone' | 'place' | 'category')[] {
  const missing: ('callerName' | 'callerPhone' | 'place' | 'category')[] = [];
  const name = s.callerName.trim();
  if (name !== '' && !ReporterContact.safeParse({ name }).success) missing.push('callerName');
  // A 12345 call always comes with the caller's number; the name is the caller's choice.
  if (!ReporterContact.safeParse({ phone: s.callerPhone.trim() }).success) missing.push('callerPhone');
  if (!s.point) missing.push('place');
  if (!s.categoryCode) missing.push('category');
  return missing;
}

/**
 * What the save button may do now: `check` while the nearby check runs, `review` when open cases of
 * the category lie nearby and the operator has not chosen to file anyway, `file` when it may file.
 */
export function saveGate(s: DeskState): 'incomplete' | 'check' | 'review' | 'file' | 'busy' {
  if (s.save.state === 'saving') return 'busy';
  if (missingFields(s).length > 0) return 'incomplete';
  const key = nearbyKey(s);
  const n = s.nearby;
  if (n.state === 'idle' || n.state === 'loading' || n.key !== key) return 'check';
  if (n.state === 'done' && n.cases.length > 0 && s.fileAnywayKey !== key) return 'review';
  // A failed check does not stop a call from being filed: the operator is told it could not be made.
  return 'file';
}

/** The open cases nearby as the current check found them (empty while none is known). */
export function nearbyCases(s: DeskState): NearbyCase[] {
  return s.nearby.state === 'done' && s.nearby.key === nearbyKey(s) ? s.nearby.cases : [];
}

/** The report to post for the call: a 12345 report with its caller and nature. */
export function reportOf(s: DeskState): NewIncident {
  if (!s.point || !s.categoryCode) throw new Error('the call has no point or category yet');
  const name = s.callerName.trim();
  const phone = s.callerPhone.trim();
  const description = s.description.trim();
  return {
    categoryCode: s.categoryCode,
    lon: s.point[0],
    lat: s.point[1],
    source: 'hotline_12345',
    callNature: s.nature,
    ...(description ? { description } : {}),
    reporter: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
  };
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The box [w, s, e, n] that holds the circle of `radiusM` around a point. */
export function boxAround(lon: number, lat: number, radiusM: number): [number, number, number, number] {
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLon = dLat / Math.cos(rad(lat));
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return [r(lon - dLon), r(lat - dLat), r(lon + dLon), r(lat + dLat)];
}

/** `GET /api/incidents` for the open cases of a category in the box around a point. */
export function nearbyQuery(categoryCode: string, lon: number, lat: number, radiusM = NEARBY_RADIUS_M): string {
  const params = new URLSearchParams({ bbox: boxAround(lon, lat, radiusM).join(','), status: OPEN_FOR_JOINING.join(','), category: categoryCode, limit: '100' });
  return `/api/incidents?${params.toString().replace(/%2C/g, ',')}`;
}

/** Of the cases in the box, those within the circle and still open, nearest first. */
export function withinRadius(items: readonly Incident[], lon: number, lat: number, radiusM = NEARBY_RADIUS_M): NearbyCase[] {
  return items
    .filter((i) => OPEN_FOR_JOINING.includes(i.status))
    .map((incident) => ({ incident, distanceM: distanceM(lon, lat, incident.lon, incident.lat) }))
    .filter((c) => c.distanceM <= radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || (a.incident.reportedAt < b.incident.reportedAt ? 1 : -1));
}

/**
 * The categories matching what is typed: by code (`E01`, `e0102`), by Chinese or English name or class
 * name (`垃圾`, `garbage`); codes that start with it first, then names that do, then the rest, in
 * catalog order within each.
 */
export function matchCategories(categories: readonly Category[], query: string, limit = 12): Category[] {
  const q = query.trim().toLowerCase();
  if (q === '') return categories.slice(0, limit);
  const scored: { c: Category; rank: number; i: number }[] = [];
  categories.forEach((c, i) => {
    const code = c.code.toLowerCase();
    const names = [c.name.zh, c.name.en.toLowerCase()];
    const classes = [c.className.zh, c.className.en.toLowerCase()];
    let rank = -1;
    if (code.startsWith(q)) rank = 0;
    else if (names.some((n) => n.startsWith(q))) rank = 1;
    else if (names.some((n) => n.includes(q))) rank = 2;
    else if (classes.some((n) => n.includes(q))) rank = 3;
    if (rank >= 0) scored.push({ c, rank, i });
  });
  return scored
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.c);
}

/** The next active option of a list moved with ↑/↓ (wrapping), or -1 for an empty list. */
export function moveActive(active: number, count: number, step: 1 | -1): number {
  if (count === 0) return -1;
  if (active < 0) return step === 1 ? 0 : count - 1;
  return (active + step + count) % count;
}
