import { ScatterplotLayer } from '@deck.gl/layers';
import type { CityLayer, ComponentState } from '../../shared/index.js';
import type { Theme } from '../map/palette.js';

export type ComponentFeature = CityLayer<'components'>['features'][number];
type Rgba = [number, number, number, number];

/**
 * The colour of a component by its state, per look: intact ones recede (a quiet blue-grey), damaged
 * (amber) and missing (red) stand out, removed ones are faint ghosts. The map and the legend read
 * this one table.
 */
export const COMPONENT_STATE_COLOURS: Record<Theme, Record<ComponentState, Rgba>> = {
  dark: { intact: [128, 172, 204, 210], damaged: [255, 167, 38, 255], missing: [255, 61, 87, 255], removed: [120, 130, 145, 90] },
  light: { intact: [84, 118, 148, 200], damaged: [230, 115, 0, 255], missing: [211, 28, 58, 255], removed: [150, 156, 166, 110] },
};

/** The edge of a dot: the basemap's own dark or light, so dots hold against roads and land alike. */
const OUTLINE: Record<Theme, Rgba> = { dark: [8, 16, 26, 220], light: [255, 255, 255, 230] };

/** States that need someone: drawn larger and above the rest. */
export const isAlertState = (s: ComponentState) => s === 'damaged' || s === 'missing';

/** The props of the components layer. */
export interface ComponentLayerProps {
  /** The inventory (`GET /api/layers/components`); null while it loads (then no layer). */
  data: readonly ComponentFeature[] | null;
  /** The map's zoom: the layer draws from `minZoom` on. */
  zoom: number;
  /** The look, for the state colours and the dots' edge. */
  theme: Theme;
  /** Switched on in the layer panel. @default true */
  visible?: boolean;
  /** Zoom from which the dots show: below it, thousands of them would only be noise. @default 16 */
  minZoom?: number;
  /** Radius of an intact component's dot, in pixels. @default 3.5 */
  radiusPixels?: number;
  /** How much larger a damaged or missing component's dot is. @default 1.7 */
  alertScale?: number;
}

/** Every optional prop's default and bounds; a value out of bounds is clamped here, in one place. */
export const COMPONENT_LAYER_DEFAULTS = {
  visible: { value: true },
  minZoom: { value: 16, min: 0, max: 24 },
  radiusPixels: { value: 3.5, min: 1, max: 20 },
  alertScale: { value: 1.7, min: 1, max: 4 },
} as const;

const clamp = (v: number | undefined, d: { value: number; min: number; max: number }) => Math.min(d.max, Math.max(d.min, v ?? d.value));

/** The props with every default filled in and every number within its bounds. */
export function resolveComponentLayerProps(props: ComponentLayerProps): Required<ComponentLayerProps> {
  const D = COMPONENT_LAYER_DEFAULTS;
  return {
    ...props,
    visible: props.visible ?? D.visible.value,
    minZoom: clamp(props.minZoom, D.minZoom),
    radiusPixels: clamp(props.radiusPixels, D.radiusPixels),
    alertScale: clamp(props.alertScale, D.alertScale),
  };
}

/** The inventory in drawing order: intact and removed first, damaged and missing last (on top). */
const drawingOrder = new WeakMap<readonly ComponentFeature[], ComponentFeature[]>();
export function inDrawingOrder(data: readonly ComponentFeature[]): ComponentFeature[] {
  let ordered = drawingOrder.get(data);
  if (!ordered) {
    ordered = [...data.filter((c) => !isAlertState(c.properties.state)), ...data.filter((c) => isAlertState(c.properties.state))];
    drawingOrder.set(data, ordered);
  }
  return ordered;
}

/**
 * The component inventory (部件普查) as small dots coloured by state, from zoom 16: a dispatcher
 * zoomed into a street sees which cover, light or bin stands where and which need repair. The
 * picked object is the component's feature (for the tooltip).
 */
export function componentLayer(props: ComponentLayerProps) {
  const { data, zoom, theme, visible, minZoom, radiusPixels, alertScale } = resolveComponentLayerProps(props);
  if (!data) return null;
  const colours = COMPONENT_STATE_COLOURS[theme];
  return new ScatterplotLayer<ComponentFeature>({
    id: 'components',
    data: inDrawingOrder(data),
    visible: visible && zoom >= minZoom,
    getPosition: (d) => d.geometry.coordinates,
    getFillColor: (d) => colours[d.properties.state],
    getRadius: (d) => (isAlertState(d.properties.state) ? radiusPixels * alertScale : radiusPixels),
    radiusUnits: 'pixels',
    stroked: true,
    getLineColor: OUTLINE[theme],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    updateTriggers: { getFillColor: theme, getLineColor: theme, getRadius: [radiusPixels, alertScale] },
  });
}
