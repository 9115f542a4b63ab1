import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { FAMILY_COLOUR } from '../live/incidentColumns.js';
import type { IncidentCluster } from '../live/incidentClusters.js';

type RGBA = [number, number, number, number];

/** A cluster's colour: the family colours mixed by the share of events, so the mix reads at a glance. */
export function clusterColour(eventShare: number): RGBA {
  const e = FAMILY_COLOUR.E;
  const c = FAMILY_COLOUR.C;
  return [0, 1, 2].map((k) => Math.round(e[k]! * eventShare + c[k]! * (1 - eventShare))).concat(215) as RGBA;
}

/** Radius in pixels: a lone incident as on the detailed map, clusters growing with the root of their count. */
export function clusterRadius(count: number): number {
  return count === 1 ? 5 : Math.min(26, 9 + 2.4 * Math.sqrt(count));
}

/** The live incidents at overview zooms: clustered circles (drawn under the map's labels). */
export function incidentClusterLayer(clusters: IncidentCluster[], visible: boolean) {
  return new ScatterplotLayer<IncidentCluster>({
    id: 'incident-clusters',
    data: clusters,
    visible,
    getPosition: (d) => d.position,
    getRadius: (d) => clusterRadius(d.count),
    getFillColor: (d) => clusterColour(d.eventShare),
    getLineColor: [255, 255, 255, 220],
    stroked: true,
    lineWidthMinPixels: 1.5,
    radiusUnits: 'pixels',
    pickable: true,
  });
}

/** The clusters' counts, drawn last, above every label, so that a number is never hidden by a name. */
export function incidentClusterCountLayer(clusters: IncidentCluster[], visible: boolean, fontFamily: string) {
  return new TextLayer<IncidentCluster>({
    id: 'incident-cluster-counts',
    data: clusters.filter((d) => d.count > 1),
    visible,
    getPosition: (d) => d.position,
    getText: (d) => String(d.count),
    getSize: 13,
    fontWeight: 700,
    fontFamily,
    characterSet: '0123456789',
    getColor: [255, 255, 255, 255],
    outlineWidth: 2,
    outlineColor: [0, 0, 0, 160],
    fontSettings: { sdf: true },
  });
}
