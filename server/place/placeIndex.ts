import { bbox as turfBbox, pointOnFeature } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { pinyin } from 'pinyin-pro';
import { PLACE_LIMIT_DEFAULT, PLACE_LIMIT_MAX, type BBox, type City, type LocalizedName, type Place, type PlaceKind } from '../../shared/index.js';

/**
 * Place search over the city's own names, with no outside service: what a 12345 operator types to
 * find where a caller is. Built once from a city (a few milliseconds for the default one); a search
 * scans a few hundred names and, for a grid code, binary-searches the sorted cell codes.
 *
 * Ranking, best first (ties: the shorter matched text, then the kind in KIND_ORDER, then the text):
 *  0. the Chinese name, or a code, exactly;
 *  1. the Chinese name starts with the query, or a code with a query of at least 6 digits;
 *  2. the Chinese name contains the query;
 *  3. the query contains the Chinese name (an address: 湖塘路88号, 湖塘路与人民路交叉口), longest first;
 *  4–7. the English name, case-insensitive: exactly, as a prefix, a word's prefix, anywhere;
 *  8. the pinyin initials of the Chinese name start with the query (湖塘路 → htl);
 *  9. the whole pinyin starts with it (hutanglu).
 */

/** Kinds in the order they win a tie: what a caller names most often first. */
const KIND_ORDER: readonly PlaceKind[] = ['road', 'poi', 'community', 'town', 'water', 'team_base', 'vacant_lot', 'grid'];
/** A query of digits only, at least this long, matches the start of codes (6 digits: the district). */
const MIN_CODE_PREFIX = 6;

export interface PlaceIndex {
  /** The best matches for what was typed, at most `limit` (1–50, default 10); none for an empty query. */
  search(query: string, limit?: number): Place[];
  /** How many named places and cells it holds. */
  readonly size: number;
}

interface Entry {
  place: Place;
  /** Normalised for matching: the Chinese name without spaces, the English name lower-case. */
  zh: string;
  en: string;
  /** Pinyin initials and whole pinyin of the Chinese name (lower-case, no spaces); '' when it has no Han character. */
  initials: string;
  spelled: string;
  code: string | null;
  kindRank: number;
}

interface Match {
  tier: number;
  /** Within a tier, smaller first (the matched text's length; negated where longer is better). */
  length: number;
  kindRank: number;
  text: string;
  place: () => Place;
}

const HAN = /\p{Script=Han}/u;

/** What is compared: NFKC (full-width digits and letters fold), lower case, spaces collapsed. */
function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
const compact = (s: string) => s.replace(/ /g, '');

function spellings(zh: string): { initials: string; spelled: string } {
  if (!HAN.test(zh)) return { initials: '', spelled: '' };
  const initials = pinyin(zh, { pattern: 'first', toneType: 'none', type: 'array' }).join('');
  const spelled = pinyin(zh, { toneType: 'none', type: 'array' }).join('');
  return { initials: compact(normalise(initials)), spelled: compact(normalise(spelled)) };
}

function areaPoint(f: Feature<Polygon | MultiPolygon>): [number, number] {
  const [lon, lat] = pointOnFeature(f).geometry.coordinates;
  return [lon!, lat!];
}

function areaBox(f: Feature<Polygon | MultiPolygon>): BBox {
  const [w, s, e, n] = turfBbox(f);
  return [w, s, e, n];
}

/** Metres per degree along a line of latitude and a meridian, near `lat`: plenty for splitting a road. */
function metresPerDegree(lat: number): [number, number] {
  return [111_320 * Math.cos((lat * Math.PI) / 180), 110_574];
}

/**
 * The middle of a road drawn as several segments in order (gaps allowed, at water crossings): the
 * point half its length along, which lies on the road, and the box around all of it. Where the middle
 * fails `usable` (over water, outside every cell), the nearest point along the road that passes, in
 * steps of 2 % of its length, up to a quarter each way.
 */
export function roadMiddle(segments: readonly (readonly [number, number])[][], usable: (lon: number, lat: number) => boolean = () => true): { point: [number, number]; bbox: BBox } {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const legs: { a: readonly [number, number]; b: readonly [number, number]; m: number }[] = [];
  let total = 0;
  for (const line of segments) {
    for (let i = 0; i < line.length; i++) {
      const p = line[i]!;
      w = Math.min(w, p[0]);
      s = Math.min(s, p[1]);
      e = Math.max(e, p[0]);
      n = Math.max(n, p[1]);
      if (i === 0) continue;
      const a = line[i - 1]!;
      const [kx, ky] = metresPerDegree((a[1] + p[1]) / 2);
      const m = Math.hypot((p[0] - a[0]) * kx, (p[1] - a[1]) * ky);
      legs.push({ a, b: p, m });
      total += m;
    }
  }
  const first = segments[0]?.[0];
  if (!first) throw new Error('a road needs at least one point');
  const along = (m: number): [number, number] => {
    let left = m;
    let point: [number, number] = [first[0], first[1]];
    for (const leg of legs) {
      if (left <= leg.m) {
        const f = leg.m === 0 ? 0 : left / leg.m;
        return [leg.a[0] + (leg.b[0] - leg.a[0]) * f, leg.a[1] + (leg.b[1] - leg.a[1]) * f];
      }
      left -= leg.m;
      point = [leg.b[0], leg.b[1]];
    }
    return point;
  };
  const middle = along(total / 2);
  for (let step = 0; step <= 12; step++) {
    for (const sign of step === 0 ? [1] : [-1, 1]) {
      const p = along(total * (0.5 + sign * step * 0.02));
      if (usable(p[0], p[1])) return { point: p, bbox: [w, s, e, n] };
    }
  }
  return { point: middle, bbox: [w, s, e, n] };
}

/**
 * Builds the index of a city's names and cell codes. Pure: the same city gives the same answers.
 * `isInside` (a point lies in a unit grid cell) keeps a road's point where a report can be filed.
 */
export function buildPlaceIndex(city: City, opts: { isInside?: (lon: number, lat: number) => boolean } = {}): PlaceIndex {
  const { layers } = city;
  const townName = new Map<string, LocalizedName>();
  for (const t of layers.towns.features) townName.set(t.properties.code, t.properties.name);
  const labelPoint = new Map(city.meta.towns.map((t) => [t.code, t.labelPoint] as const));
  const communityName = new Map<string, LocalizedName>();
  for (const c of layers.communities.features) communityName.set(c.properties.code, c.properties.name);
  const inTown = (code: string) => townName.get(code);

  const entries: Entry[] = [];
  const add = (place: Place) => {
    const zh = compact(normalise(place.name.zh));
    entries.push({
      place,
      zh,
      en: normalise(place.name.en),
      ...spellings(place.name.zh),
      code: place.code === undefined ? null : normalise(place.code),
      kindRank: KIND_ORDER.indexOf(place.kind),
    });
  };
  const round = (x: number) => Math.round(x * 1e7) / 1e7;
  const at = ([lon, lat]: readonly [number, number]) => ({ lon: round(lon), lat: round(lat) });

  // Roads: a name is drawn as many segments; one place per name, at its middle.
  const roads = new Map<string, { name: LocalizedName; lines: [number, number][][] }>();
  for (const r of layers.roads.features) {
    const name = r.properties.name;
    if (!name) continue;
    let road = roads.get(name.zh);
    if (!road) roads.set(name.zh, (road = { name, lines: [] }));
    road.lines.push(r.geometry.coordinates as [number, number][]);
  }
  for (const [zh, road] of roads) {
    // Checked as it will be answered (rounded): a road runs along cell edges, where rounding may step off a cell.
    const isInside = opts.isInside;
    const { point, bbox } = roadMiddle(road.lines, isInside && ((lon, lat) => isInside(round(lon), round(lat))));
    add({ kind: 'road', id: `road:${zh}`, name: road.name, ...at(point), bbox });
  }
  for (const p of layers.pois.features) {
    const { id, name, townCode } = p.properties;
    add({ kind: 'poi', id: `poi:${id}`, name, townCode, context: inTown(townCode), ...at(p.geometry.coordinates) });
  }
  for (const c of layers.communities.features) {
    const { code, townCode, name } = c.properties;
    add({ kind: 'community', id: `community:${code}`, name, code, townCode, context: inTown(townCode), ...at(areaPoint(c)), bbox: areaBox(c) });
  }
  for (const t of layers.towns.features) {
    const { code, name } = t.properties;
    add({ kind: 'town', id: `town:${code}`, name, code, townCode: code, ...at(labelPoint.get(code) ?? areaPoint(t)), bbox: areaBox(t) });
  }
  for (const wtr of layers.water.features) {
    const { id, name } = wtr.properties;
    if (name) add({ kind: 'water', id: `water:${id}`, name, ...at(areaPoint(wtr)), bbox: areaBox(wtr) });
  }
  for (const b of layers['team-bases'].features) {
    const { id, name, townCode } = b.properties;
    add({ kind: 'team_base', id: `team_base:${id}`, name, townCode, context: inTown(townCode), ...at(b.geometry.coordinates) });
  }
  for (const lot of layers['vacant-lots'].features) {
    const { id, townCode } = lot.properties;
    const town = inTown(townCode);
    const n = id.replace(/^lot-/, '');
    const name = { zh: `${town?.zh ?? ''}闲置地块${n}号`, en: `Vacant lot ${n}${town ? `, ${town.en}` : ''}` };
    add({ kind: 'vacant_lot', id: `vacant_lot:${id}`, name, code: id, townCode, context: town, ...at(areaPoint(lot)), bbox: areaBox(lot) });
  }

  // Cells: only by code, sorted for a binary search; a cell's place is made when it is found.
  const cells = layers.grid.features;
  const cellOrder = cells.map((_, i) => i).sort((a, b) => (cells[a]!.properties.code < cells[b]!.properties.code ? -1 : 1));
  const cellCodes = cellOrder.map((i) => cells[i]!.properties.code);
  const cellPlace = (i: number): Place => {
    const cell = cells[i]!;
    const { code, townCode, communityCode } = cell.properties;
    const town = inTown(townCode);
    const community = communityName.get(communityCode);
    const context = town && community ? { zh: `${town.zh} ${community.zh}`, en: `${community.en}, ${town.en}` } : town;
    return { kind: 'grid', id: `grid:${code}`, name: { zh: `网格 ${code}`, en: `Grid cell ${code}` }, code, townCode, context, ...at(areaPoint(cell)), bbox: areaBox(cell) };
  };

  function matchEntry(e: Entry, q: string, qc: string, digits: boolean, latin: boolean): Omit<Match, 'place' | 'kindRank'> | null {
    if (e.code !== null && e.code === qc) return { tier: 0, length: e.code.length, text: e.code };
    if (e.zh === qc) return { tier: 0, length: e.zh.length, text: e.zh };
    if (e.zh.startsWith(qc)) return { tier: 1, length: e.zh.length, text: e.zh };
    if (digits && e.code !== null && e.code.startsWith(qc)) return { tier: 1, length: e.code.length, text: e.code };
    if (e.zh.includes(qc)) return { tier: 2, length: e.zh.length, text: e.zh };
    if (e.zh.length >= 2 && qc.includes(e.zh)) return { tier: 3, length: -e.zh.length, text: e.zh };
    if (e.en === q) return { tier: 4, length: e.en.length, text: e.en };
    if (e.en.startsWith(q)) return { tier: 5, length: e.en.length, text: e.en };
    if (e.en.includes(` ${q}`)) return { tier: 6, length: e.en.length, text: e.en };
    if (e.en.includes(q)) return { tier: 7, length: e.en.length, text: e.en };
    if (latin && e.initials.startsWith(qc)) return { tier: 8, length: e.initials.length, text: e.initials };
    if (latin && e.spelled.startsWith(qc)) return { tier: 9, length: e.spelled.length, text: e.spelled };
    return null;
  }

  function search(query: string, limit = PLACE_LIMIT_DEFAULT): Place[] {
    const q = normalise(query);
    const qc = compact(q);
    const max = Math.max(1, Math.min(PLACE_LIMIT_MAX, Math.floor(limit)));
    if (qc === '') return [];
    const digits = /^\d+$/.test(qc) && qc.length >= MIN_CODE_PREFIX;
    const latin = /^[a-z]+$/.test(qc);
    const found: Match[] = [];
    for (const e of entries) {
      const m = matchEntry(e, q, qc, digits, latin);
      if (m) found.push({ ...m, kindRank: e.kindRank, place: () => e.place });
    }
    if (digits) {
      // The first `max` cells whose code starts with the query: they sort after every other kind's.
      let lo = 0;
      let hi = cellCodes.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cellCodes[mid]! < qc) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < cellCodes.length && k < lo + max && cellCodes[k]!.startsWith(qc); k++) {
        const code = cellCodes[k]!;
        const i = cellOrder[k]!;
        found.push({ tier: code === qc ? 0 : 1, length: code.length, kindRank: KIND_ORDER.indexOf('grid'), text: code, place: () => cellPlace(i) });
      }
    }
    found.sort((a, b) => a.tier - b.tier || a.length - b.length || a.kindRank - b.kindRank || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    return found.slice(0, max).map((m) => m.place());
  }

  return { search, size: entries.length + cells.length };
}
