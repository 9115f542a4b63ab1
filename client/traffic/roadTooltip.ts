import type { TFunction } from 'i18next';
import { CONGESTION_LEVELS, LEVEL_OF_RATIO_BYTE, type LocalizedName, type RoadClass } from '../../shared/index.js';

/** What the road layer knows of a road besides its speed: from the roads layer's properties. */
export interface RoadFacts {
  name: LocalizedName | null;
  class: RoadClass;
  speedKph: number;
}

/** A road's state as read from a ratio byte of the `roads:speeds` frames (current ÷ free-flow × 255). */
export interface RoadReading {
  level: (typeof CONGESTION_LEVELS)[number];
  /** The congestion index: free-flow time ÷ current time, for one road its speed ÷ its free-flow speed. */
  index: number;
  currentKph: number;
  freeKph: number;
}

/** The reading of a road from its ratio byte, the level by the same table the colours use. */
export function roadReading(road: RoadFacts, ratioByte: number): RoadReading {
  const index = ratioByte / 255;
  return { level: CONGESTION_LEVELS[LEVEL_OF_RATIO_BYTE[ratioByte]!]!, index, currentKph: index * road.speedKph, freeKph: road.speedKph };
}

/** The lines of a road's tooltip: its name, its level and index, its speed against free flow. */
export function roadTooltip(road: RoadFacts, ratioByte: number, t: TFunction, language: 'zh-CN' | 'en'): string {
  const r = roadReading(road, ratioByte);
  const name = road.name ? (language === 'en' ? road.name.en : road.name.zh) : t('tooltip.roadUnnamed');
  return [
    name,
    t('tooltip.roadLevel', { level: t(`congestionLevel.${r.level}`), index: r.index.toFixed(2) }),
    t('tooltip.roadSpeed', { speed: Math.round(r.currentKph), free: Math.round(r.freeKph) }),
  ].join('\n');
}
