import type { Category, CityLayer, Team } from '../../shared/index.js';

/**
 * The default teams: one per team base of the city (enforcement squads, sanitation stations,
 * municipal and greening maintenance), each handling the categories of its department, available at
 * its base. Pure; a city with its own roster imports it instead.
 */
export function teamsFromBases(bases: CityLayer<'team-bases'>['features'], categories: readonly Category[]): Team[] {
  return bases.map((b) => {
    const [lon, lat] = b.geometry.coordinates;
    return {
      id: b.properties.id.replace(/^base-/, 'team-'),
      name: b.properties.name,
      department: b.properties.department,
      baseId: b.properties.id,
      townCode: b.properties.townCode,
      categories: categories.filter((c) => c.department === b.properties.department).map((c) => c.code),
      members: 4,
      status: 'available',
      position: { lon, lat, at: new Date(0).toISOString() },
    };
  });
}
