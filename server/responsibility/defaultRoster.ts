import type { LanduseClass, ResponsibilityPerson } from '../../shared/index.js';
import { SeededRandom } from '../seededRandom.js';
import { CellDirectory, type ResponsibilityCell } from './cells.js';

/**
 * The default city's roster (责任网格): who answers for each responsibility grid. Pure and seeded: the
 * same cells and seed, the same people and assignments. Seeded into the store on the first start
 * (seedRoster.ts); from then on admins edit it.
 *
 * **Inspectors (监督员).** A responsibility grid is by definition the patch one inspector patrols, so
 * every grid has exactly one inspector; an inspector holds *one grid or several* neighbouring grids of
 * one community, as many as the land use makes one person's beat. The load is counted in cells (about
 * 1 ha each, 9 to a full grid), by land use:
 *
 * | land use | cells per inspector | about | why |
 * |---|---|---|---|
 * | commercial | 9 | one grid, 0.09 km² | town seats, markets, shopping streets: vending, litter and parking all day; the densest beats of real cities are a few cells |
 * | residential, public | 18 | two grids, 0.18 km² | Beijing's first phase: 304 km² and 10,054 cells for 1,706 supervisors, 0.18 km² (about six 3-ha cells) each |
 * | industrial, green | 36 | four grids, 0.36 km² | walled plants, wide roads and parks: few street problems per hectare |
 * | farmland | 81 | nine grids, 0.8 km² | the village edge, where cities give one supervisor a few km²: here most of a village |
 *
 * Grids go to an inspector in a serpentine walk through the community (row by row, alternate rows
 * backwards, so consecutive grids touch), and a new inspector starts when the next grid would take the
 * current one past `1 + LOAD_SLACK` of a full beat (a grid of mixed land use counts by its cells:
 * `cells / load(landuse)`); a beat never crosses a community boundary, since inspectors are managed by
 * community and town. The last beat of a community may be short. On the default city (seed 320412) this
 * gives 504 inspectors for its 10,067 cells and 1,482 grids: 20 cells (0.2 km²) each on average, close
 * to Beijing's density; 58 hold one grid, most two to four, a few at the rural edge up to 13.
 *
 * **Grid workers (网格员)** are the community's social-governance staff, in practice one per 300–500
 * households (a few city blocks, or a village group). With no households in the generated city, the
 * rule here is by grids: a community's grids are shared evenly among `ceil(grids / 5)` workers, at most
 * `WORKER_MAX_GRIDS` (5, about 45 ha) each, again in the serpentine walk: two or three per community,
 * 328 on the default city.
 *
 * **Grid heads (网格长)** are the community's: one per community (the 社区/村 head of the three-level
 * 镇 总网格长 → 社区 网格长 → 网格员 system; the town's head answers for the heads, not for cells): 132.
 */
export const INSPECTOR_LOAD_CELLS: Readonly<Record<LanduseClass, number>> = {
  commercial: 9,
  residential: 18,
  public: 18,
  industrial: 36,
  green: 36,
  farmland: 81,
};
/** An inspector's beat may exceed a full load by this share rather than leave a sliver for another. */
export const LOAD_SLACK = 0.25;
/** Responsibility grids a grid worker holds at most. */
export const WORKER_MAX_GRIDS = 5;

/** Who answers for one responsibility grid in the default roster. */
export interface DefaultGridAssignment {
  responsibilityGridCode: string;
  inspectorId: string;
  gridWorkerId: string;
  gridHeadId: string;
}

export interface DefaultRoster {
  /** Inspectors, then grid workers, then grid heads, each in id order. No accounts (`username: null`). */
  people: ResponsibilityPerson[];
  /** Every responsibility grid, in the order of the cells. */
  grids: DefaultGridAssignment[];
}

// The style of the simulation's staff names (server/simulation/staff.ts), with more given names:
// about 1,000 people must have distinct names.
const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文'];
const GIVEN_NAMES = [
  '敏', '伟', '芳', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '涛', '明', '超', '丽', '霞', '平', '刚', '婷', '鹏',
  '浩', '宇', '欣', '佳', '慧', '俊', '建国', '志强', '海燕', '晓东', '雪梅', '文博', '国华', '红梅', '建平', '晓明', '立新', '春燕',
  '秀英', '桂英', '玉兰', '建华', '建军', '志明', '志刚', '海涛', '海军', '小红', '小燕', '丹', '萍', '斌', '波', '辉', '亮', '红', '琳',
  '晨', '楠', '瑶', '昊', '凯', '健', '峰', '雷', '倩', '娟', '颖', '璐', '露', '鑫', '晶', '秀兰', '卫东', '永刚', '振华', '国强', '金凤',
];

const ID_PREFIX = { inspector: 'insp', grid_worker: 'wkr', grid_head: 'head' } as const;
const personId = (role: keyof typeof ID_PREFIX, n: number) => `${ID_PREFIX[role]}-${String(n).padStart(4, '0')}`;

interface GridSite {
  code: string;
  cells: number;
  /** cells / load of each cell's land use: 1 is one inspector's full beat. */
  weight: number;
  firstCell: string;
  lon: number;
}

/** The roster of the default city: every responsibility grid with its inspector, grid worker and grid head. */
export function defaultRoster(cells: readonly ResponsibilityCell[], seed: number): DefaultRoster {
  const dir = new CellDirectory(cells);
  const rng = SeededRandom.derive(seed, 'responsibility-roster');
  const used = new Set<string>();
  const nameOf = () => {
    let name: string;
    do name = rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES);
    while (used.has(name));
    used.add(name);
    return name;
  };
  const inspectors: ResponsibilityPerson[] = [];
  const workers: ResponsibilityPerson[] = [];
  const heads: ResponsibilityPerson[] = [];
  const byGrid = new Map<string, DefaultGridAssignment>();
  const communities = dir.communities().sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const community of communities) {
    const walk = serpentine(gridsOf(dir, community.code));
    const head: ResponsibilityPerson = { id: personId('grid_head', heads.length + 1), name: nameOf(), role: 'grid_head', username: null };
    heads.push(head);
    const beats = inspectorBeats(walk);
    const shares = evenRuns(walk.length, Math.ceil(walk.length / WORKER_MAX_GRIDS));
    const workerOf: string[] = [];
    for (const size of shares) {
      const w: ResponsibilityPerson = { id: personId('grid_worker', workers.length + 1), name: nameOf(), role: 'grid_worker', username: null };
      workers.push(w);
      for (let k = 0; k < size; k++) workerOf.push(w.id);
    }
    let g = 0;
    for (const beat of beats) {
      const inspector: ResponsibilityPerson = { id: personId('inspector', inspectors.length + 1), name: nameOf(), role: 'inspector', username: null };
      inspectors.push(inspector);
      for (const grid of beat) {
        byGrid.set(grid.code, { responsibilityGridCode: grid.code, inspectorId: inspector.id, gridWorkerId: workerOf[g]!, gridHeadId: head.id });
        g += 1;
      }
    }
  }
  return { people: [...inspectors, ...workers, ...heads], grids: dir.grids().map((code) => byGrid.get(code)!) };
}

/** A community's grids with their size, load weight, first cell and mean longitude. */
function gridsOf(dir: CellDirectory, communityCode: string): GridSite[] {
  const sites = new Map<string, GridSite & { lonSum: number }>();
  for (const i of dir.cellsOfCommunity(communityCode) ?? []) {
    const c = dir.cells[i]!;
    let s = sites.get(c.responsibilityGridCode);
    if (!s) {
      s = { code: c.responsibilityGridCode, cells: 0, weight: 0, firstCell: c.code, lon: 0, lonSum: 0 };
      sites.set(c.responsibilityGridCode, s);
    }
    s.cells += 1;
    s.weight += 1 / INSPECTOR_LOAD_CELLS[c.landuse];
    s.lonSum += c.lon;
    if (c.code < s.firstCell) s.firstCell = c.code;
  }
  return [...sites.values()].map(({ lonSum, ...s }) => ({ ...s, lon: lonSum / s.cells }));
}

/**
 * The grids in a serpentine walk: in the order of their first cells (cells are numbered west→east,
 * north→south, so a grid's first cell is its north-west corner and this is row by row), a new row
 * starting where the next grid lies west of the last, and every other row walked backwards.
 */
function serpentine(grids: GridSite[]): GridSite[] {
  const ordered = [...grids].sort((a, b) => (a.firstCell < b.firstCell ? -1 : a.firstCell > b.firstCell ? 1 : 0));
  const rows: GridSite[][] = [];
  for (const g of ordered) {
    const row = rows.at(-1);
    if (row && g.lon > row.at(-1)!.lon) row.push(g);
    else rows.push([g]);
  }
  return rows.flatMap((row, r) => (r % 2 === 1 ? row.reverse() : row));
}

/** Consecutive runs of the walk, one per inspector: each up to a full beat and its slack. */
function inspectorBeats(walk: readonly GridSite[]): GridSite[][] {
  const beats: GridSite[][] = [];
  let current: GridSite[] = [];
  let weight = 0;
  for (const g of walk) {
    if (current.length > 0 && weight + g.weight > 1 + LOAD_SLACK + 1e-9) {
      beats.push(current);
      current = [];
      weight = 0;
    }
    current.push(g);
    weight += g.weight;
  }
  if (current.length > 0) beats.push(current);
  return beats;
}

/** n items in k runs as even as can be (the longer runs first). */
function evenRuns(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}
