import * as turf from '@turf/turf';
import type { CityLayer, LanduseClass, LocalizedName, PoiKind } from '../../../shared/index.js';
import type { SeededRandom } from '../../seededRandom.js';
import type { CellSite } from './cells.js';
import type { Lattice, LonLat } from './lattice.js';
import { makeProjection } from './lattice.js';
import type { RoadLine } from './layout.js';
import type { CitySpec } from './spec.js';

type PoiFeature = CityLayer<'pois'>['features'][number];
type VacantLotFeature = CityLayer<'vacant-lots'>['features'][number];
type CameraFeature = CityLayer<'cameras'>['features'][number];
type TeamBaseFeature = CityLayer<'team-bases'>['features'][number];

export interface Places {
  pois: PoiFeature[];
  vacantLots: VacantLotFeature[];
  cameras: CameraFeature[];
  teamBases: TeamBaseFeature[];
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function centreOf(l: Lattice, s: CellSite): LonLat {
  const c = [l.lonLat(s.i, s.j), l.lonLat(s.i + 1, s.j), l.lonLat(s.i + 1, s.j + 1), l.lonLat(s.i, s.j + 1)];
  return [round6(c.reduce((a, p) => a + p[0], 0) / 4), round6(c.reduce((a, p) => a + p[1], 0) / 4)];
}

function metresOf(l: Lattice, s: CellSite): [number, number] {
  const [x0, y0] = l.xy(s.i, s.j);
  const [x1, y1] = l.xy(s.i + 1, s.j + 1);
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

/**
 * Places what incidents gather around and what handles them: markets, schools, hospitals,
 * construction sites, material yards, parks, transit stops, vacant lots, cameras and team bases.
 * Chosen cells of schools, hospitals and government offices turn their parcel's land use to public.
 */
export function placeThings(spec: CitySpec, l: Lattice, sites: CellSite[], roads: RoadLine[], rng: SeededRandom): Places {
  const dry = sites.filter((s) => !s.clipped);
  const used = new Set<CellSite>();
  const pick = (landuses: LanduseClass[], near?: [number, number], within = Infinity, townIndex?: number): CellSite | undefined => {
    const pool = dry.filter(
      (s) =>
        landuses.includes(s.tile.landuse) &&
        !used.has(s) &&
        (townIndex === undefined || s.community.townIndex === townIndex) &&
        (!near || Math.hypot(metresOf(l, s)[0] - near[0], metresOf(l, s)[1] - near[1]) < within),
    );
    if (pool.length === 0) return undefined;
    const s = rng.pick(pool);
    used.add(s);
    return s;
  };
  const townOf = (s: CellSite) => spec.towns[s.community.townIndex]!;
  const pois: PoiFeature[] = [];
  const counters = new Map<string, number>();
  const addPoi = (kind: PoiKind, s: CellSite | undefined, name: (n: number) => LocalizedName) => {
    if (!s) return;
    const key = `${kind}:${s.community.townIndex}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    pois.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: centreOf(l, s) },
      properties: { id: `poi-${pois.length + 1}`, kind, name: name(n), townCode: townOf(s).code },
    });
  };

  for (const town of spec.towns) {
    const s = dry
      .filter((c) => spec.towns[c.community.townIndex] === town)
      .reduce<CellSite | undefined>((best, c) => {
        const d = (x: CellSite) => Math.hypot(metresOf(l, x)[0] - town.seedM[0], metresOf(l, x)[1] - town.seedM[1]);
        return !best || d(c) < d(best) ? c : best;
      }, undefined);
    if (!s) continue;
    used.add(s);
    s.tile.landuse = 'public';
    addPoi('government', s, () => ({ zh: `${town.name.zh}人民政府`, en: `${town.name.en} Government` }));
    for (let k = 0; k < 2; k++) {
      addPoi('market', pick(['commercial', 'residential'], town.seedM, 900), (n) => ({ zh: `${town.stem}${['中心', '东方', '新村', '城南'][n - 1] ?? n}农贸市场`, en: `${town.name.en} Market ${n}` }));
    }
  }
  const named = (zh: (stem: string, n: number) => string, en: (town: string, n: number) => string) => (s: CellSite) => (n: number) => ({
    zh: zh(townOf(s).stem, n),
    en: en(townOf(s).name.en, n),
  });
  const place = (kind: PoiKind, count: number, landuses: LanduseClass[], makeName: (s: CellSite) => (n: number) => LocalizedName, toPublic = false) => {
    for (let k = 0; k < count; k++) {
      const s = pick(landuses);
      if (!s) return;
      if (toPublic) s.tile.landuse = 'public';
      addPoi(kind, s, makeName(s));
    }
  };
  const P = spec.places;
  place('market', Math.max(0, P.markets - 2 * spec.towns.length), ['residential', 'commercial'], named((t, n) => `${t}第${n}农贸市场`, (t, n) => `${t} Market ${n}`));
  place('school', P.schools, ['residential'], named((t, n) => `${t}${['实验', '中心', '阳光', '育才', '星河', '新城'][n % 6]}${n % 3 ? '小学' : '初级中学'}`, (t, n) => `${t} School ${n}`), true);
  place('hospital', P.hospitals, ['residential', 'commercial'], named((t, n) => (n === 1 ? `${t}人民医院` : `${t}社区卫生服务中心${n - 1}`), (t, n) => (n === 1 ? `${t} People's Hospital` : `${t} Health Centre ${n - 1}`)), true);
  place('construction_site', P.constructionSites, ['residential', 'industrial', 'commercial'], named((t, n) => `${t}${n}号地块建设工地`, (t, n) => `${t} Construction Site ${n}`));
  place('material_yard', P.materialYards, ['industrial', 'farmland'], named((t, n) => `${t}建材堆场${n}号`, (t, n) => `${t} Material Yard ${n}`));
  for (let k = 0; k < P.parks; k++) {
    const s = pick(['green']) ?? pick(['residential']);
    if (!s) break;
    s.tile.landuse = 'green';
    addPoi('park', s, named((t, n) => `${t}${['湿地', '中央', '滨河', '体育', '文化'][n % 5]}公园`, (t, n) => `${t} Park ${n}`)(s));
  }

  // Transit stops and cameras sit at junctions of the main roads.
  const major = roads.filter((r) => r.class === 'arterial' || r.class === 'secondary');
  const cols = major.filter((r) => r.axis === 'col');
  const rows = major.filter((r) => r.axis === 'row');
  const hasCellAt = new Set(sites.map((s) => `${s.i}:${s.j}`));
  const junctions = cols
    .flatMap((c) => rows.map((r) => ({ c, r })))
    .filter(({ c, r }) => hasCellAt.has(`${c.index}:${r.index}`) && hasCellAt.has(`${c.index - 1}:${r.index - 1}`));
  const stops = junctions.filter(({ c, r }) => c.class === 'arterial' || r.class === 'arterial');
  for (let k = 0; k < Math.min(P.transit, stops.length); k++) {
    const { c, r } = stops.splice(rng.int(0, stops.length - 1), 1)[0]!;
    const s = sites.find((x) => x.i === c.index && x.j === r.index)!;
    pois.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: l.lonLat(c.index, r.index) },
      properties: {
        id: `poi-${pois.length + 1}`,
        kind: 'transit',
        name: { zh: `${c.name?.zh ?? r.name?.zh ?? townOf(s).stem}${r.name?.zh && c.name ? `${r.name.zh.replace(/路$/, '')}` : ''}站`, en: `${townOf(s).name.en} Stop ${k + 1}` },
        townCode: townOf(s).code,
      },
    });
  }

  const cameras: CameraFeature[] = [];
  for (const { c, r } of junctions) {
    const n = c.class === 'arterial' && r.class === 'arterial' ? 2 : 1;
    for (let k = 0; k < n; k++) {
      const ptz = rng.chance(0.25);
      cameras.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: l.lonLat(c.index, r.index) },
        properties: {
          id: `cam-${cameras.length + 1}`,
          kind: ptz ? 'ptz' : 'fixed',
          headingDeg: Math.round(k * 90 + rng.range(-20, 20) + 360) % 360,
          fovDeg: ptz ? 360 : rng.int(50, 90),
          rangeM: ptz ? rng.int(150, 250) : rng.int(80, 160),
        },
      });
    }
  }
  // Along the arterials between junctions.
  for (const s of dry) {
    const onArterial = roads.some((x) => x.class === 'arterial' && (x.axis === 'col' ? x.index === s.i : x.index === s.j));
    if (onArterial && rng.chance(0.04)) {
      cameras.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: l.lonLat(s.i, s.j) },
        properties: { id: `cam-${cameras.length + 1}`, kind: 'fixed', headingDeg: rng.int(0, 359), fovDeg: rng.int(50, 90), rangeM: rng.int(80, 160) },
      });
    }
  }

  const project = makeProjection(spec.center);
  const vacantLots: VacantLotFeature[] = [];
  for (let k = 0; k < P.vacantLots; k++) {
    const s = pick(['residential', 'industrial', 'farmland']);
    if (!s) break;
    const [x, y] = metresOf(l, s);
    const r0 = rng.range(40, 85);
    const ring: LonLat[] = [];
    const sides = rng.int(5, 8);
    for (let v = 0; v < sides; v++) {
      const t = (2 * Math.PI * v) / sides + rng.range(-0.2, 0.2);
      const r = r0 * rng.range(0.7, 1.2);
      ring.push(project.toLonLat(x + r * Math.cos(t), y + r * Math.sin(t)));
    }
    ring.push(ring[0]!);
    vacantLots.push({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { id: `lot-${k + 1}`, areaM2: Math.round(turf.area(turf.polygon([ring]))), townCode: townOf(s).code },
    });
  }

  const teamBases: TeamBaseFeature[] = [];
  const kinds = [
    { department: 'cgzf', zh: '城管执法中队', en: 'Enforcement Squad' },
    { department: 'huanwei', zh: '环卫所', en: 'Sanitation Station' },
    { department: 'shizheng', zh: '市政养护站', en: 'Municipal Maintenance Station' },
    { department: 'yuanlin', zh: '园林养护站', en: 'Greening Station' },
  ];
  for (const [t, town] of spec.towns.entries()) {
    for (const kind of kinds) {
      const s = pick(['residential', 'commercial', 'industrial', 'public'], town.seedM, 1800, t) ?? pick(['residential', 'commercial', 'industrial', 'farmland'], undefined, Infinity, t);
      if (!s) continue;
      teamBases.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: centreOf(l, s) },
        properties: {
          id: `base-${teamBases.length + 1}`,
          name: { zh: `${town.stem}${kind.zh}`, en: `${town.name.en} ${kind.en}` },
          department: kind.department,
          townCode: town.code,
        },
      });
    }
  }
  // The other units responsible each have a crew at the district seat (utilities, traffic police,
  // the bureaus), and every town its own crew for the categories the catalog gives the town (属地):
  // so that every category of the catalog has a crew that can close its cases in the default city.
  const seat = spec.towns[0]!;
  const placeBase = (department: string, s: CellSite | undefined, name: LocalizedName, townCode: string) => {
    if (!s) return;
    teamBases.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: centreOf(l, s) },
      properties: { id: `base-${teamBases.length + 1}`, name, department, townCode },
    });
  };
  for (const unit of DISTRICT_UNIT_CREWS) {
    const s = pick(['public', 'commercial', 'industrial', 'residential'], seat.seedM, 4000, 0) ?? pick(['public', 'commercial', 'industrial', 'residential'], undefined, Infinity, 0);
    placeBase(unit.department, s, { zh: unit.zh, en: unit.en }, seat.code);
  }
  for (const [t, town] of spec.towns.entries()) {
    const s = pick(['public', 'residential', 'commercial', 'industrial'], town.seedM, 1800, t) ?? pick(['public', 'residential', 'commercial', 'industrial', 'farmland'], undefined, Infinity, t);
    placeBase('jiedao', s, { zh: `${town.stem}环境整治队`, en: `${town.name.en} Town Environment Team` }, town.code);
  }
  return { pois, vacantLots, cameras, teamBases };
}

/** The crews of the units with no base in every town: one each at the district seat. */
const DISTRICT_UNIT_CREWS = [
  { department: 'jiaojing', zh: '交警勤务中队', en: 'Traffic Police Squad' },
  { department: 'jiaotong', zh: '交通设施养护队', en: 'Transport Facilities Crew' },
  { department: 'shuiwu', zh: '水务抢修队', en: 'Water Affairs Repair Crew' },
  { department: 'gongshui', zh: '供水抢修队', en: 'Water Supply Repair Crew' },
  { department: 'ranqi', zh: '燃气抢修队', en: 'Gas Emergency Crew' },
  { department: 'gongdian', zh: '供电抢修队', en: 'Power Repair Crew' },
  { department: 'tongxin', zh: '通信线路维护队', en: 'Telecom Line Crew' },
  { department: 'zhujian', zh: '住建巡查队', en: 'Housing and Construction Inspection Crew' },
  { department: 'ziranziyuan', zh: '自然资源执法队', en: 'Natural Resources Enforcement Crew' },
  { department: 'shengtai', zh: '生态环境执法队', en: 'Ecology and Environment Enforcement Crew' },
  { department: 'xiaofang', zh: '消防救援站', en: 'Fire Rescue Station' },
] as const;
