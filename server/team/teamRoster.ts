import { TOWN_DEPARTMENT, type Category, type CityLayer, type Shift, type Team } from '../../shared/index.js';

/** On duty all day: the district's duty teams (值班), and departments this roster does not know. */
export const ROUND_THE_CLOCK: Shift = { start: '00:00', end: '24:00' };

/**
 * Default working hours by department, local time (UTC+8). Plausible values, not a regulation:
 * sanitation sweeps from before the morning rush until the evening (05:00–21:00), enforcement squads
 * work the day and the evening markets (08:00–20:00), municipal maintenance (07:00–19:00) and greening
 * (07:00–17:00) work the day. A city with its own roster sets its own.
 */
export const DEPARTMENT_SHIFTS: Readonly<Record<string, Shift>> = {
  huanwei: { start: '05:00', end: '21:00' },
  cgzf: { start: '08:00', end: '20:00' },
  shizheng: { start: '07:00', end: '19:00' },
  yuanlin: { start: '07:00', end: '17:00' },
};

/** The last enforcement squad of the roster (经开区's) works the night markets: 16:00–02:00. */
export const NIGHT_MARKET_SHIFT: Shift = { start: '16:00', end: '02:00' };

/**
 * The default shift of the `index`-th team (0-based, in the roster's order) of a department with
 * `count` teams. Deterministic: the first team of each department (the district seat's town, first in
 * the city's order) is on duty round the clock, so every department can be dispatched at any hour; the
 * last enforcement squad covers the evening and night markets past midnight; the others work their
 * department's hours. Unknown departments are on duty round the clock.
 */
export function defaultShift(department: string, index: number, count: number): Shift {
  const daily = DEPARTMENT_SHIFTS[department];
  if (!daily || index === 0) return ROUND_THE_CLOCK;
  if (department === 'cgzf' && index === count - 1) return NIGHT_MARKET_SHIFT;
  return daily;
}

/**
 * The default teams: one per team base of the city (enforcement squads, sanitation stations,
 * municipal and greening maintenance), each handling the categories of its department, available at
 * its base, with its department's shift (defaultShift). With `perBase` > 1 (`TEAMS_PER_BASE`), each
 * base has that many squads: the first keeps the base's team id (`team-7`), the others are
 * `team-7-2`, `team-7-3`, …, named after the base and numbered (湖塘环卫所 3班, squad 3). Pure; a city
 * with its own roster imports it instead.
 */
export function teamsFromBases(bases: CityLayer<'team-bases'>['features'], categories: readonly Category[], perBase = 1): Team[] {
  const count = new Map<string, number>();
  for (const b of bases) count.set(b.properties.department, (count.get(b.properties.department) ?? 0) + perBase);
  const seen = new Map<string, number>();
  return bases.flatMap((b) => {
    const [lon, lat] = b.geometry.coordinates;
    const department = b.properties.department;
    const id = b.properties.id.replace(/^base-/, 'team-');
    const { zh, en } = b.properties.name;
    return Array.from({ length: perBase }, (_, k): Team => {
      const index = seen.get(department) ?? 0;
      seen.set(department, index + 1);
      return {
        id: k === 0 ? id : `${id}-${k + 1}`,
        name: perBase === 1 ? b.properties.name : { zh: `${zh} ${k + 1}班`, en: `${en}, squad ${k + 1}` },
        department,
        // A town's own crew (属地) belongs to its town's unit; every other crew to its department's.
        unitCode: department === TOWN_DEPARTMENT ? b.properties.townCode : department,
        baseId: b.properties.id,
        townCode: b.properties.townCode,
        categories: categories.filter((c) => c.department === department).map((c) => c.code),
        members: 4,
        shift: defaultShift(department, index, count.get(department)!),
        status: 'available',
        position: { lon, lat, at: new Date(0).toISOString() },
      };
    });
  });
}
