import type { LanduseClass, RoadClass } from '../../shared/index.js';

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
  label: [number, number, number, number];
  labelHalo: [number, number, number, number];
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
    label: [230, 238, 247, 255],
    labelHalo: [7, 19, 31, 230],
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
    label: [40, 36, 70, 255],
    labelHalo: [255, 255, 255, 230],
  },
};
