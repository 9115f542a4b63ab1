import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadCitySpec } from '../../server/city/cityCache.js';
import { generateCity } from '../../server/city/synthetic/generateCity.js';
import { buildRoadGraph, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';
import type { City, Team } from '../../shared/index.js';

/** The default city (seed 320412) with its road graph and default teams, as the server builds them. */
export function cityWithTeams(): { city: City; g: RoadGraph; teams: Team[] } {
  const city = generateCity(loadCitySpec(), 320412);
  return {
    city,
    g: buildRoadGraph(city.layers.roads.features),
    teams: teamsFromBases(city.layers['team-bases'].features, loadCatalog().categories),
  };
}
