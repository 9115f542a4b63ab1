import { TextLayer } from '@deck.gl/layers';
import type { CityLayer, CityMeta, LocalizedName } from '../../shared/index.js';
import type { RoadLabel } from '../map/roadLabels.js';
import type { MapPalette } from '../map/palette.js';

/** Zoom from which each kind of label shows: towns always, main roads when streets can be told apart, POIs up close. */
export const LABEL_MIN_ZOOM = { roads: 12.5, roadDetail: 14.5, pois: 15 } as const;

/** Road names at two levels of detail (see ROAD_LABEL_SPACING). */
export interface RoadLabelSets {
  overview: RoadLabel[];
  detail: RoadLabel[];
}

type Poi = CityLayer<'pois'>['features'][number];

interface LabelLayerProps {
  towns: CityMeta['towns'];
  roads: RoadLabelSets | null;
  pois: Poi[] | null;
  zoom: number;
  language: 'zh-CN' | 'en';
  palette: MapPalette;
  /** The CSS font stack of the labels: a local CJK font, so that no glyph server is needed. */
  fontFamily: string;
}

const nameIn = (language: 'zh-CN' | 'en') => (n: LocalizedName) => (language === 'en' ? n.en : n.zh);

/**
 * The map's text, drawn by deck.gl with the browser's own CJK font (characterSet 'auto' builds the
 * atlas from the strings present): towns, main road names along the roads, and points of interest.
 * They are the last layers, so every density layer lies beneath them and the names stay readable.
 */
export function labelLayers({ towns, roads, pois, zoom, language, palette, fontFamily }: LabelLayerProps) {
  const name = nameIn(language);
  const common = {
    fontFamily,
    characterSet: 'auto' as const,
    fontSettings: { sdf: true },
    outlineColor: palette.labelHalo,
    outlineWidth: 4,
    updateTriggers: { getText: language },
  };
  return [
    ...(['overview', 'detail'] as const).map(
      (level) =>
        roads &&
        new TextLayer<RoadLabel>({
        ...common,
        id: `road-labels-${level}`,
        data: roads[level],
        visible: level === 'overview' ? zoom >= LABEL_MIN_ZOOM.roads && zoom < LABEL_MIN_ZOOM.roadDetail : zoom >= LABEL_MIN_ZOOM.roadDetail,
        getPosition: (d) => d.position,
        getText: (d) => name(d.name),
        getAngle: (d) => d.angle,
        getSize: (d) => (d.roadClass === 'secondary' ? 14 : 16),
        getColor: palette.roadLabel,
        fontWeight: 500,
      }),
    ),
    pois &&
      new TextLayer<Poi>({
        ...common,
        id: 'poi-labels',
        data: pois,
        visible: zoom >= LABEL_MIN_ZOOM.pois,
        getPosition: (d) => d.geometry.coordinates,
        getText: (d) => name(d.properties.name),
        getSize: 13,
        getPixelOffset: [0, -14],
        getColor: palette.poiLabel,
      }),
    new TextLayer<CityMeta['towns'][number]>({
      ...common,
      id: 'town-labels',
      data: towns,
      getPosition: (d) => d.labelPoint,
      getText: (d) => name(d.name),
      getSize: 20,
      fontWeight: 600,
      getColor: palette.label,
    }),
  ];
}
