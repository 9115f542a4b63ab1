import { describe, expect, it } from 'vitest';
import { TOWN_DEPARTMENT, unitCoverage, unitsForCase, unitsOf, type Team } from '../../shared/index.js';
import { onDuty } from '../../shared/workflow/teamShift.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

/**
 * The default roster closes every category's loop (issue 12): every department of the catalog and
 * every town of the default city is a unit with at least one crew, each crew a crew of exactly one
 * unit and able to take that unit's categories, so that no case waits for a crew that does not exist.
 */
const catalog = loadCatalog();
const { city, teams } = cityWithTeams();
const towns = city.meta.towns;
/** The roster with one squad a base (the default) and with several (TEAMS_PER_BASE). */
const rosters: [string, Team[]][] = [
  ['1 squad a base', teams],
  ['3 squads a base', teamsFromBases(city.layers['team-bases'].features, catalog.categories, 3)],
];
const HOUR = 3_600_000;
/** Monday 2026-11-23, 00:00 China time. */
const DAY0 = Date.parse('2026-11-23T00:00:00+08:00');

describe.each(rosters)('the default roster (%s)', (_, roster) => {
  const units = unitsOf(catalog.departments, towns, catalog.categories, roster);

  it('gives every category of the catalog a unit and a crew', () => {
    expect(unitCoverage(units, catalog.categories)).toEqual({ withoutUnit: [], withoutCrew: [] });
  });

  it('gives every unit — every department and every town — at least one crew, and each crew to exactly one unit', () => {
    const departments = catalog.departments.filter((d) => d.code !== TOWN_DEPARTMENT).map((d) => d.code);
    expect(units.map((u) => u.code).sort()).toEqual([...departments, ...towns.map((t) => t.code)].sort());
    for (const u of units) expect(u.teams.length, u.code).toBeGreaterThan(0);
    const owners = roster.map((t) => units.filter((u) => u.teams.includes(t.id)).map((u) => u.code));
    expect(owners.every((o) => o.length === 1)).toBe(true);
  });

  it('lets each crew take exactly its unit\'s categories, a town\'s own crew based in its town', () => {
    const byCode = new Map(units.map((u) => [u.code, u]));
    for (const t of roster) {
      const unit = byCode.get(t.unitCode)!;
      expect([...t.categories].sort(), t.id).toEqual([...unit.categories].sort());
      if (unit.kind === 'town') expect([t.department, t.townCode]).toEqual([TOWN_DEPARTMENT, unit.code]);
      else expect(t.department).toBe(unit.code);
      // On the map, so that candidates can rank it by road.
      expect(t.position).not.toBeNull();
    }
  });

  it('has a crew of a unit able on duty at every hour, for every category wherever the case lies', () => {
    for (const c of catalog.categories) {
      for (const town of towns) {
        const able = unitsForCase(units, c, town.code);
        expect(able.length, `${c.code} in ${town.code}`).toBeGreaterThan(0);
        const crews = roster.filter((t) => able.some((u) => u.teams.includes(t.id)));
        for (let h = 0; h < 24; h++) expect(crews.some((t) => onDuty(t.shift, DAY0 + h * HOUR + 30 * 60_000)), `${c.code} in ${town.code} at ${h}:30`).toBe(true);
      }
    }
  });
});

describe('the default roster in numbers', () => {
  it('keeps the four departments\' teams in every town, and adds one crew for each other department and one for each town', () => {
    const others = catalog.departments.filter((d) => !['cgzf', 'huanwei', 'shizheng', 'yuanlin', TOWN_DEPARTMENT].includes(d.code));
    expect(others).toHaveLength(11);
    const count = (unitCode: string) => teams.filter((t) => t.unitCode === unitCode).length;
    for (const d of others) expect(count(d.code), d.code).toBe(1);
    for (const t of towns) expect(count(t.code), t.code).toBe(1);
    // The four departments' 32 teams, as before.
    expect(['cgzf', 'huanwei', 'shizheng', 'yuanlin'].reduce((n, d) => n + count(d), 0)).toBe(32);
    expect(teams).toHaveLength(32 + others.length + towns.length);
    // The sewer manhole cover (C0102) goes to the water company, which has its crew.
    const sewer = catalog.byCode('C0102')!;
    expect(sewer.department).toBe('shuiwu');
    expect(teams.filter((t) => t.categories.includes('C0102')).map((t) => t.unitCode)).toEqual(['shuiwu']);
  });
});
