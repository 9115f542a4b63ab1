import { centroid } from '@turf/turf';
import type { CityLayer, LanduseClass } from '../../shared/index.js';

/** A unit grid cell as responsibility needs it: its codes, land use and centroid. */
export interface ResponsibilityCell {
  code: string;
  responsibilityGridCode: string;
  townCode: string;
  communityCode: string;
  landuse: LanduseClass;
  /** The centroid (mean of the vertices, as turf's `centroid`), WGS-84. */
  lon: number;
  lat: number;
}

/** The grid layer's cells, in the layer's order: a cell's index here is its index in the layer (and GridIndex.locate's). */
export function responsibilityCells(features: CityLayer<'grid'>['features']): ResponsibilityCell[] {
  return features.map((f) => {
    const [lon, lat] = centroid(f as never).geometry.coordinates as [number, number];
    const p = f.properties;
    return { code: p.code, responsibilityGridCode: p.responsibilityGridCode, townCode: p.townCode, communityCode: p.communityCode, landuse: p.landuse, lon, lat };
  });
}

/** The cells by code, by responsibility grid, by community and by town (indices into `cells`, ascending). */
export class CellDirectory {
  private readonly byCode = new Map<string, number>();
  private readonly byGrid = new Map<string, number[]>();
  private readonly byCommunity = new Map<string, number[]>();
  private readonly byTown = new Map<string, number[]>();

  constructor(readonly cells: readonly ResponsibilityCell[]) {
    const push = (m: Map<string, number[]>, k: string, i: number) => {
      const list = m.get(k);
      if (list) list.push(i);
      else m.set(k, [i]);
    };
    cells.forEach((c, i) => {
      this.byCode.set(c.code, i);
      push(this.byGrid, c.responsibilityGridCode, i);
      push(this.byCommunity, c.communityCode, i);
      push(this.byTown, c.townCode, i);
    });
  }

  get size(): number {
    return this.cells.length;
  }

  /** A cell's index, or -1. */
  indexOf(code: string): number {
    return this.byCode.get(code) ?? -1;
  }

  cellsOfGrid(responsibilityGridCode: string): readonly number[] | undefined {
    return this.byGrid.get(responsibilityGridCode);
  }

  cellsOfCommunity(communityCode: string): readonly number[] | undefined {
    return this.byCommunity.get(communityCode);
  }

  cellsOfTown(townCode: string): readonly number[] | undefined {
    return this.byTown.get(townCode);
  }

  /** Every responsibility grid's code, in the order its first cell comes. */
  grids(): string[] {
    return [...this.byGrid.keys()];
  }

  /** Every community's code with its town, in the order its first cell comes. */
  communities(): { code: string; townCode: string }[] {
    return [...this.byCommunity.entries()].map(([code, cells]) => ({ code, townCode: this.cells[cells[0]!]!.townCode }));
  }
}
