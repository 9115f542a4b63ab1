import type { LanduseClass, PoiKind, RoadClass } from '../../shared/index.js';

/**
 * The two looks of the map: dark for the wall displays (low glare, bright data on top), light for
 * desks. One place decides the colours, so the map, the legend and later the charts agree.
 */
export interface MapPalette {
  background: string;
  landuse: Record<LanduseClass, string>;
  water: string;
  road: Record<RoadClass, string>;
  roadCasing: string;
  town: string;
  grid: string;
  /** Points of interest, drawn as small dots from zoom 14 so the names above them have an anchor. */
  poi: Record<PoiKind, string>;
  label: [number, number, number, number];
  labelHalo: [number, number, number, number];
  roadLabel: [number, number, number, number];
  poiLabel: [number, number, number, number];
}

export type Theme = 'dark' | 'light';

export const PALETTES: Record<Theme, MapPalette> = {
  dark: {
    background: '#0b1622',
    landuse: {
      residential: '#132233',
      commercial: '#1d2a3f',
      industrial: '#1a2030',
      green: '#12291f',
      farmland: '#152319',
      public: '#1f2438',
    },
    water: '#0f3554',
    road: { expressway: '#d98a3d', arterial: '#8a6f3a', secondary: '#4d5b6e', local: '#2b3a4d' },
    roadCasing: '#070d14',
    town: '#8fa8ff',
    grid: '#2f4660',
    poi: {
      market: '#ffb74d', school: '#81c784', hospital: '#ef5350', construction_site: '#ffd54f',
      material_yard: '#bcaaa4', park: '#66bb6a', government: '#9fa8da', transit: '#4fc3f7',
    },
    label: [230, 238, 247, 255],
    labelHalo: [7, 19, 31, 230],
    roadLabel: [214, 196, 160, 255],
    poiLabel: [176, 196, 216, 255],
  },
  light: {
    background: '#eef1f4',
    landuse: {
      residential: '#f3ece2',
      commercial: '#f6d9cf',
      industrial: '#e3dff0',
      green: '#d3ebc8',
      farmland: '#eef3d6',
      public: '#f6e8b8',
    },
    water: '#9fcdee',
    road: { expressway: '#f0903c', arterial: '#f7c35a', secondary: '#ffffff', local: '#ffffff' },
    roadCasing: '#b8b2a8',
    town: '#5b4a9a',
    grid: '#b9b0a2',
    poi: {
      market: '#e67e22', school: '#2e7d32', hospital: '#c62828', construction_site: '#b7950b',
      material_yard: '#6d4c41', park: '#388e3c', government: '#3949ab', transit: '#0277bd',
    },
    label: [40, 36, 70, 255],
    labelHalo: [255, 255, 255, 230],
    roadLabel: [92, 64, 28, 255],
    poiLabel: [60, 72, 88, 255],
  },
};
