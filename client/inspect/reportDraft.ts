import { SELF_HANDLED_MIN_PHOTOS, type BBox, type Category, type NewIncident, type Place } from '../../shared/index.js';
import type { Position } from '../phone/hooks.js';

/**
 * The report an inspector is writing (上报), as state and pure updaters (no React, no fetch): where
 * (the phone's GPS fix, a place found by name, or coordinates typed in), what (the category), a note,
 * and whether it was fixed on the spot (自行处置). The photos are the form's own (they live in the
 * photo store); only their count matters here.
 */

/** Where the problem is taken from: the GPS fix, a place searched by name, coordinates typed. */
export type PlaceMode = 'gps' | 'search' | 'coords';

export interface ReportDraft {
  placeMode: PlaceMode;
  placeQuery: string;
  place: Place | null;
  lonText: string;
  latText: string;
  categoryQuery: string;
  categoryCode: string | null;
  note: string;
  selfHandled: boolean;
}

export type DraftAction =
  | { type: 'placeMode'; mode: PlaceMode }
  | { type: 'placeQuery'; query: string }
  | { type: 'placePicked'; place: Place; label: string }
  | { type: 'coords'; lonText: string; latText: string }
  | { type: 'categoryQuery'; query: string }
  | { type: 'categoryPicked'; category: Category; label: string }
  | { type: 'note'; value: string }
  | { type: 'selfHandled'; value: boolean }
  /** Sent: the next report starts empty, from the same kind of place. */
  | { type: 'sent' };

export const EMPTY_DRAFT: ReportDraft = {
  placeMode: 'gps',
  placeQuery: '',
  place: null,
  lonText: '',
  latText: '',
  categoryQuery: '',
  categoryCode: null,
  note: '',
  selfHandled: false,
};

export function draftReducer(d: ReportDraft, a: DraftAction): ReportDraft {
  switch (a.type) {
    case 'placeMode':
      return { ...d, placeMode: a.mode };
    case 'placeQuery':
      // Typing again un-picks the place: what is shown is what will be sent.
      return { ...d, placeQuery: a.query, place: null };
    case 'placePicked':
      return { ...d, place: a.place, placeQuery: a.label };
    case 'coords':
      return { ...d, lonText: a.lonText, latText: a.latText };
    case 'categoryQuery':
      return { ...d, categoryQuery: a.query, categoryCode: null };
    case 'categoryPicked':
      return { ...d, categoryCode: a.category.code, categoryQuery: a.label };
    case 'note':
      return { ...d, note: a.value };
    case 'selfHandled':
      return { ...d, selfHandled: a.value };
    case 'sent':
      return { ...EMPTY_DRAFT, placeMode: d.placeMode, place: d.placeMode === 'search' ? d.place : null, placeQuery: d.placeMode === 'search' ? d.placeQuery : '', lonText: d.lonText, latText: d.latText };
  }
}

/** A number typed as people type it (full-width digits, a comma for the point, spaces). */
function parseDegrees(text: string): number | null {
  const s = text.normalize('NFKC').replace(/\s+/g, '').replace(/，/g, ',');
  if (!/^-?\d{1,3}(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/** Where the report is, from the chosen kind of place; null while unknown or not valid. */
export function draftPoint(d: ReportDraft, gps: Position): [number, number] | null {
  switch (d.placeMode) {
    case 'gps':
      return gps.state === 'ok' ? [gps.lon, gps.lat] : null;
    case 'search':
      return d.place ? [d.place.lon, d.place.lat] : null;
    case 'coords': {
      const lon = parseDegrees(d.lonText);
      const lat = parseDegrees(d.latText);
      return lon !== null && lat !== null && Math.abs(lon) <= 180 && Math.abs(lat) <= 90 ? [lon, lat] : null;
    }
  }
}

export type DraftProblem = 'place' | 'outside' | 'category' | 'photos';

/**
 * What still stops the report from being sent, in the form's order: no place, a place outside the
 * city's extent (the server would refuse it, perhaps long after, when the phone is back online), no
 * category, fewer than two photos for a problem fixed on the spot.
 */
export function draftProblems(d: ReportDraft, gps: Position, photoCount: number, cityBbox: BBox | null): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const point = draftPoint(d, gps);
  if (!point) problems.push('place');
  else if (cityBbox) {
    const [w, s, e, n] = cityBbox;
    if (point[0] < w || point[0] > e || point[1] < s || point[1] > n) problems.push('outside');
  }
  if (!d.categoryCode) problems.push('category');
  if (d.selfHandled && photoCount < SELF_HANDLED_MIN_PHOTOS) problems.push('photos');
  return problems;
}

/** The report to send (`POST /api/incidents`, an inspector's). */
export function reportOf(d: ReportDraft, point: [number, number]): NewIncident {
  if (!d.categoryCode) throw new Error('the report has no category yet');
  const description = d.note.trim();
  return {
    categoryCode: d.categoryCode,
    lon: Math.round(point[0] * 1e6) / 1e6,
    lat: Math.round(point[1] * 1e6) / 1e6,
    source: 'inspector',
    ...(description ? { description } : {}),
  };
}
