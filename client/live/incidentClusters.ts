import Supercluster from 'supercluster';
import type { IncidentColumns } from './incidentColumns.js';

/** Below this zoom the live incidents are shown as clusters; from it on, one point each. */
export const CLUSTER_BELOW_ZOOM = 12;

interface PointProps {
  row: number;
  events: number;
}
interface ClusterProps {
  events: number;
}

/** A cluster, or a lone incident (count 1, row set), in the form the cluster layer draws. */
export interface IncidentCluster {
  position: [number, number];
  count: number;
  /** Share of events (事件) among the members; the rest are components (部件). */
  eventShare: number;
  /** The column-store row of a lone incident; -1 for a cluster. */
  row: number;
  /** supercluster's id of a cluster; -1 for a lone incident. */
  clusterId: number;
}

/**
 * Clusters of the open incidents for the overview zooms, by supercluster (the index MapLibre uses for
 * its own GeoJSON clustering). The index is rebuilt from the typed columns only when they changed
 * since the last build, so a burst of events costs one rebuild per drawn frame, not one per event.
 */
export class IncidentClusters {
  private readonly index = new Supercluster<PointProps, ClusterProps>({
    radius: 36,
    maxZoom: CLUSTER_BELOW_ZOOM - 1,
    map: (p) => ({ events: p.events }),
    reduce: (acc, p) => {
      acc.events += p.events;
    },
  });
  private builtVersion = -1;

  constructor(private readonly columns: IncidentColumns) {}

  /** The clusters covering `bbox` [w, s, e, n] at a zoom (rounded down, as supercluster indexes whole zooms). */
  clustersIn(bbox: [number, number, number, number], zoom: number): IncidentCluster[] {
    this.refresh();
    return this.index.getClusters(bbox, Math.floor(zoom)).map((f) => {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      const p = f.properties;
      if ('cluster' in p && p.cluster) {
        return { position: [lon, lat], count: p.point_count, eventShare: p.events / p.point_count, row: -1, clusterId: p.cluster_id };
      }
      const point = p as PointProps;
      return { position: [lon, lat], count: 1, eventShare: point.events, row: point.row, clusterId: -1 };
    });
  }

  /** The column-store rows a cluster holds (a lone incident: its own row). */
  rowsOf(cluster: IncidentCluster): number[] {
    if (cluster.clusterId < 0) return [cluster.row];
    return this.index.getLeaves(cluster.clusterId, Infinity).map((f) => f.properties.row);
  }

  private refresh(): void {
    const c = this.columns;
    if (this.builtVersion === c.version) return;
    const points: Supercluster.PointFeature<PointProps>[] = new Array(c.length);
    for (let row = 0; row < c.length; row++) {
      points[row] = {
        type: 'Feature',
        properties: { row, events: c.incidentAt(row)!.categoryCode[0] === 'E' ? 1 : 0 },
        geometry: { type: 'Point', coordinates: [c.positions[2 * row]!, c.positions[2 * row + 1]!] },
      };
    }
    this.index.load(points);
    this.builtVersion = c.version;
  }
}
