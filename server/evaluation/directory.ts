import type { City, ResponsibilityPerson } from '../../shared/index.js';
import type { EvaluationDirectory, Localized } from './indicators.js';

const NO_PEOPLE: readonly ResponsibilityPerson[] = [];

/**
 * Who and what the evaluation lists, from the city's layers, the units and the responsibility roster.
 * The roster is read at each request (`roster()`), so an admin's edit shows at once; an actor is
 * matched to a roster person by account, by name, or by the simulated history's "监督员 name".
 */
export function evaluationDirectory(deps: {
  city: Pick<City, 'layers'>;
  units: readonly { code: string; name: Localized }[];
  /** The roster in force (ResponsibilityService.current), read at each use. */
  roster?: () => { allPeople(): readonly ResponsibilityPerson[]; inspectorOfCell(cellIndex: number): ResponsibilityPerson | null };
}): EvaluationDirectory {
  const { city } = deps;
  const cells = city.layers.grid.features.map((f) => ({ code: f.properties.code, townCode: f.properties.townCode, communityCode: f.properties.communityCode, areaM2: f.properties.areaM2 }));
  const cellIndex = new Map(cells.map((c, i) => [c.code, i]));
  // One row identity per roster person (the cells of a month ask tens of thousands of times).
  const identities = new WeakMap<ResponsibilityPerson, { code: string; name: Localized }>();
  const asInspector = (p: ResponsibilityPerson) => {
    let who = identities.get(p);
    if (!who) identities.set(p, (who = { code: p.id, name: { zh: p.name, en: p.name } }));
    return who;
  };
  // Actors the roster does not name stand for themselves (an account not on the roster, a past name).
  const unrostered = new Map<string, { code: string; name: Localized }>();
  // The roster's people by every name an action may carry, rebuilt when the roster object changes.
  let byActor: { people: readonly ResponsibilityPerson[]; map: Map<string, { code: string; name: Localized }> } | null = null;
  const actors = () => {
    const people = deps.roster?.().allPeople() ?? NO_PEOPLE;
    if (byActor?.people !== people) {
      const map = new Map<string, { code: string; name: Localized }>();
      for (const p of people) {
        if (p.role !== 'inspector') continue;
        const who = asInspector(p);
        map.set(p.name, who);
        map.set(`监督员 ${p.name}`, who);
        if (p.username) map.set(p.username, who);
      }
      byActor = { people, map };
    }
    return byActor.map;
  };
  return {
    towns: city.layers.towns.features.map((f) => ({ code: f.properties.code, name: f.properties.name })),
    communities: city.layers.communities.features.map((f) => ({ code: f.properties.code, townCode: f.properties.townCode, name: f.properties.name })),
    cells,
    units: deps.units,
    inspectorOf(actor) {
      const rostered = actors().get(actor);
      if (rostered) return rostered;
      let self = unrostered.get(actor);
      if (!self) unrostered.set(actor, (self = { code: actor, name: { zh: actor, en: actor } }));
      return self;
    },
    rosterStamp: () => deps.roster?.() ?? null,
    inspectorOfCell(gridCode) {
      const i = cellIndex.get(gridCode);
      const p = i === undefined ? null : (deps.roster?.().inspectorOfCell(i) ?? null);
      return p ? asInspector(p) : null;
    },
  };
}
