import * as turf from '@turf/turf';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { appendPoints, type PointColumns } from '../../client/layers/useIncidentPoints.js';
import { countByCell } from '../../client/layers/gridChoroplethLayer.js';
import { clusterColour } from '../../client/layers/incidentClusterLayer.js';
import { ArrivalLog, PULSE_MS } from '../../client/live/arrivals.js';
import { CLUSTER_BELOW_ZOOM, IncidentClusters } from '../../client/live/incidentClusters.js';
import { FAMILY_COLOUR, IncidentColumns } from '../../client/live/incidentColumns.js';
import { placeRoadLabels, ROAD_LABEL_SPACING, uprightAngle } from '../../client/map/roadLabels.js';
import { densityAnchorLayer } from '../../client/map/cityStyle.js';
import { loadCitySpec } from '../../server/city/cityCache.js';
import { generateCity } from '../../server/city/synthetic/generateCity.js';
import type { City, Incident } from '../../shared/index.js';

let city: City;
beforeAll(() => {
  city = generateCity(loadCitySpec(), 320412);
});

function incident(id: string, lon: number, lat: number, code = 'E0102', gridCode = '320412100001001'): Incident {
  return {
    id, seq: 1, version: 1, categoryCode: code, lon, lat, gridCode, townCode: '320412100', communityCode: '320412100001',
    status: 'reported', source: 'inspector', description: '', reportedAt: '2026-11-23T00:00:00.000Z', createdAt: '2026-11-23T00:00:00.000Z',
    updatedAt: '2026-11-23T00:00:00.000Z', deadlineAt: null, closeDeadlineAt: null, closedAt: null, reporter: null, reportedBy: null,
    unitCode: null, teamId: null, application: null, confirmedAt: null, urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null, stageDeadlineAt: null, mergedInto: null, callback: null, number: null,
  };
}

describe('road names on the map', () => {
  it('stand on their own road, turned along it and upright', () => {
    const roads = city.layers.roads.features;
    const labels = placeRoadLabels(roads, ROAD_LABEL_SPACING.detail);
    expect(labels.length).toBeGreaterThan(50);
    for (const label of labels.slice(0, 300)) {
      const own = roads.filter((r) => r.properties.name?.zh === label.name.zh && r.properties.class === label.roadClass);
      const nearest = Math.min(...own.map((r) => turf.pointToLineDistance(label.position, r, { units: 'meters' })));
      expect(nearest).toBeLessThan(1);
      expect(label.angle).toBeGreaterThan(-90);
      expect(label.angle).toBeLessThanOrEqual(90);
    }
  });

  it('repeat along a road about once per spacing, fewer in the overview', () => {
    const roads = city.layers.roads.features;
    const detail = placeRoadLabels(roads, ROAD_LABEL_SPACING.detail);
    const overview = placeRoadLabels(roads, ROAD_LABEL_SPACING.overview);
    const arterialKm = roads
      .filter((r) => r.properties.class === 'arterial' && r.properties.name)
      .reduce((km, r) => km + turf.length(r, { units: 'kilometers' }), 0);
    const arterialLabels = detail.filter((l) => l.roadClass === 'arterial').length;
    // One per spacing, plus at most one for each road's first half-spacing.
    expect(arterialLabels).toBeGreaterThanOrEqual(Math.floor(arterialKm / ROAD_LABEL_SPACING.detail.arterial));
    expect(overview.length).toBeLessThan(detail.length / 2);
    expect(overview.every((l) => l.roadClass !== 'secondary' && l.roadClass !== 'local')).toBe(true);
  });

  it('read left to right whatever the bearing: text angle is the bearing turned, modulo a half turn', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), (bearing) => {
        const a = uprightAngle(bearing);
        expect(a).toBeGreaterThan(-90);
        expect(a).toBeLessThanOrEqual(90);
        const diff = (((90 - bearing - a) % 180) + 180) % 180;
        expect(Math.min(diff, 180 - diff)).toBeLessThan(1e-9);
      }),
    );
    expect(uprightAngle(90)).toBe(0); // an east-west road reads horizontally
    expect(uprightAngle(0)).toBe(90); // a north-south road reads bottom to top
  });
});

describe('incident clusters at overview zooms', () => {
  const lonLat = fc.tuple(fc.double({ min: 119.8, max: 120.1, noNaN: true }), fc.double({ min: 31.55, max: 31.85, noNaN: true }));

  it('account for every open incident exactly once, and a lone incident is its own row', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(lonLat, fc.boolean()), { maxLength: 300 }), fc.integer({ min: 8, max: CLUSTER_BELOW_ZOOM - 1 }), (points, zoom) => {
        const columns = new IncidentColumns();
        points.forEach(([[lon, lat], event], k) => columns.apply(incident(`i${k}`, lon, lat, event ? 'E0102' : 'C0101')));
        const clusters = new IncidentClusters(columns).clustersIn([119, 31, 121, 32.5], zoom);
        expect(clusters.reduce((n, c) => n + c.count, 0)).toBe(points.length);
        const events = points.filter(([, e]) => e).length;
        expect(clusters.reduce((n, c) => n + c.count * c.eventShare, 0)).toBeCloseTo(events, 6);
        for (const c of clusters.filter((x) => x.count === 1)) {
          const i = columns.incidentAt(c.row)!;
          expect(c.position[0]).toBeCloseTo(i.lon, 4);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('follow the column store after it changes', () => {
    const columns = new IncidentColumns();
    const clusters = new IncidentClusters(columns);
    columns.apply(incident('a', 119.95, 31.7));
    expect(clusters.clustersIn([119, 31, 121, 32.5], 10)).toHaveLength(1);
    columns.apply(incident('b', 119.9501, 31.7001));
    columns.apply(incident('c', 119.5, 31.5));
    const after = clusters.clustersIn([119, 31, 121, 32.5], 10);
    expect(after.map((c) => c.count).sort()).toEqual([1, 2]);
    columns.apply({ ...incident('b', 119.9501, 31.7001), status: 'closed' });
    expect(clusters.clustersIn([119, 31, 121, 32.5], 10).map((c) => c.count)).toEqual([1, 1]);
  });

  it('are coloured by the mix of families, from all components to all events', () => {
    expect(clusterColour(1).slice(0, 3)).toEqual(FAMILY_COLOUR.E);
    expect(clusterColour(0).slice(0, 3)).toEqual(FAMILY_COLOUR.C);
  });
});

describe('density points kept current from the stream', () => {
  const loaded = (): PointColumns => ({
    window: '24h',
    key: 'window=24h&theme=all',
    sinceMs: Date.parse('2026-12-06T00:00:00Z'),
    t: new Uint32Array([10, 20]),
    count: 2,
    positions: new Float32Array([119.9, 31.7, 119.95, 31.75]),
    cells: new Int32Array([0, 3]),
    liveGridCodes: [],
  });

  it('append arrivals without touching the loaded points, growing the buffers when full', () => {
    const base = loaded();
    const arrivals = Array.from({ length: 40 }, (_, k) => incident(`n${k}`, 120 + k / 1000, 31.6, 'E0102', k % 2 ? 'B' : 'A'));
    const after = appendPoints(base, arrivals);
    expect(after.count).toBe(42);
    expect(after.positions[0]).toBeCloseTo(119.9, 5);
    expect(after.positions[2 * 41]).toBeCloseTo(120.039, 5);
    expect(base.count).toBe(2);
    expect(after.liveGridCodes).toHaveLength(40);
    // Per cell: the server's index for loaded points, the code for live ones.
    const counts = countByCell(after, 5, new Map([['A', 1], ['B', 4]]));
    expect(Array.from(counts)).toEqual([1, 20, 0, 1, 20]);
  });
});

describe('the arrival pulse', () => {
  it('lasts PULSE_MS, then is forgotten; a burst keeps only the newest pulses', () => {
    const log = new ArrivalLog();
    log.add(119.9, 31.7, 1000);
    log.add(119.91, 31.7, 1500);
    expect(log.pulsing(1000 + PULSE_MS - 1)).toHaveLength(2);
    expect(log.pulsing(1000 + PULSE_MS)).toHaveLength(1);
    expect(log.pulsing(1500 + PULSE_MS)).toHaveLength(0);
    for (let k = 0; k < 1000; k++) log.add(120, 31.7, 5000 + k);
    const live = log.pulsing(6000);
    expect(live.length).toBeLessThanOrEqual(200);
    expect(live[live.length - 1]!.at).toBe(5999);
  });
});

describe('density layers under the labels', () => {
  it('go beneath a style\'s first label layer, else beneath the town boundaries of the built style', () => {
    const layer = (id: string, type: string) => ({ id, type }) as never;
    expect(densityAnchorLayer({ version: 8, sources: {}, layers: [layer('bg', 'background'), layer('roads', 'line'), layer('road-names', 'symbol'), layer('poi', 'symbol')] })).toBe('road-names');
    expect(densityAnchorLayer({ version: 8, sources: {}, layers: [layer('roads', 'line'), layer('town-boundaries', 'line')] })).toBe('town-boundaries');
    expect(densityAnchorLayer({ version: 8, sources: {}, layers: [layer('roads', 'line')] })).toBeUndefined();
  });
});
