import type { Role, Team } from '../../shared/index.js';
import { SeededRandom } from '../seededRandom.js';

/**
 * The simulated people behind the simulated cases: who takes each action, so that a past case's
 * timeline names someone, as a live one does. Pure and seeded: the same seed, the same people.
 */

/** A simulated crew acts under its team's name, marked as simulated: live and in history alike. */
export function crewName(team: Pick<Team, 'name'>): string {
  return `${team.name.zh}（模拟）`;
}

/**
 * The command center's posts (GB/T 30428). The `dispatcher` role covers all three in a small center,
 * but the positions say who did what: the acceptor accepts or rejects, the shift leader registers,
 * approves suspensions and closes, the dispatcher dispatches.
 */
export type CenterPost = 'acceptor' | 'shiftLeader' | 'dispatcher';

const TITLES: Record<CenterPost | 'inspector', string> = { acceptor: '受理员', shiftLeader: '值班长', dispatcher: '派遣员', inspector: '监督员' };

export interface Actor {
  actor: string;
  role: Role;
}

export interface DutyStaff {
  /** Shift groups, one person per post each, taking 8-hour shifts in turn (四班三运转). */
  groups: Record<CenterPost, Actor>[];
  /** Supervisors (监督员), each with a patch of the city (see inspectorAt). */
  inspectors: Actor[];
}

const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许沈曾彭吕苏蒋蔡魏叶潘杜戴钟汪姚'];
const GIVEN_NAMES = [
  '敏', '伟', '芳', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '涛', '明', '超', '丽', '霞', '平', '刚', '婷', '鹏',
  '浩', '宇', '欣', '佳', '慧', '俊', '建国', '志强', '海燕', '晓东', '雪梅', '文博', '国华', '红梅', '建平', '晓明', '立新', '春燕',
];

const SHIFT_GROUPS = 4;
const INSPECTORS = 12;
/** Shifts run 00–08, 08–16, 16–24 China time. */
const SHIFT_MS = 8 * 3_600_000;
const LOCAL_OFFSET_MS = 8 * 3_600_000;
/** A supervisor's patch: about 2 km on a side at these latitudes. */
const PATCH_DEGREES = 0.02;

/** The center's shift groups and the supervisors, distinct names drawn from the seed. */
export function dutyStaff(seed: number): DutyStaff {
  const rng = SeededRandom.derive(seed, 'duty-staff');
  const used = new Set<string>();
  const person = (title: string, role: Role): Actor => {
    let name: string;
    do name = rng.pick(SURNAMES) + rng.pick(GIVEN_NAMES);
    while (used.has(name));
    used.add(name);
    return { actor: `${title} ${name}`, role };
  };
  const groups = Array.from({ length: SHIFT_GROUPS }, () => ({
    acceptor: person(TITLES.acceptor, 'dispatcher'),
    shiftLeader: person(TITLES.shiftLeader, 'dispatcher'),
    dispatcher: person(TITLES.dispatcher, 'dispatcher'),
  }));
  return { groups, inspectors: Array.from({ length: INSPECTORS }, () => person(TITLES.inspector, 'inspector')) };
}

/** Who holds a post at the center at an instant: the group whose shift it is. */
export function centerActor(staff: DutyStaff, post: CenterPost, at: number): Actor {
  const shift = Math.floor((at + LOCAL_OFFSET_MS) / SHIFT_MS);
  const group = staff.groups[((shift % staff.groups.length) + staff.groups.length) % staff.groups.length]!;
  return group[post];
}

/**
 * The supervisor who covers a place: each patrols a responsibility area (责任网格), so the same one
 * re-inspects every case there. Areas are a coarse lattice of the map, spread over the supervisors.
 */
export function inspectorAt(staff: DutyStaff, lon: number, lat: number): Actor {
  const x = Math.floor(lon / PATCH_DEGREES);
  const y = Math.floor(lat / PATCH_DEGREES);
  const h = (Math.imul(x, 73_856_093) ^ Math.imul(y, 19_349_663)) >>> 0;
  return staff.inspectors[h % staff.inspectors.length]!;
}

/** A unit's simulated desk (二级派遣), named by its unit's code: live and in history alike. */
export function deskName(unitCode: string): string {
  return `${unitCode} 调度（模拟）`;
}

/** A unit's simulated desk, as its desk accounts would act. */
export function deskActor(unitCode: string): Actor {
  return { actor: deskName(unitCode), role: 'unit' };
}

/** A team's simulated crew, as its field accounts would act. */
export function crewActor(team: Pick<Team, 'name'>): Actor {
  return { actor: crewName(team), role: 'field' };
}
