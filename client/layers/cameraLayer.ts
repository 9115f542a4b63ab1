import { PathLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { CameraList, CameraState, CameraView } from '../../shared/index.js';
import type { Theme } from '../map/palette.js';
import type { DensityPlacement } from './densityRamp.js';

type Rgba = [number, number, number, number];
type Position = [number, number];

/**
 * The look of a camera's field of view by its state: a live camera's sector is a clear cyan with a
 * solid edge; a silent one (out of the coverage) is a faint grey with a dashed edge, so that the two
 * read apart even where colour does not. The map and the legend read this one table.
 */
export const CAMERA_COLOURS: Record<Theme, Record<CameraState, { fill: Rgba; line: Rgba }>> = {
  dark: {
    live: { fill: [0, 200, 255, 70], line: [80, 225, 255, 235] },
    silent: { fill: [150, 160, 175, 40], line: [175, 185, 198, 230] },
  },
  light: {
    live: { fill: [0, 140, 215, 60], line: [0, 110, 185, 235] },
    silent: { fill: [120, 128, 138, 45], line: [100, 108, 118, 235] },
  },
};

/** The camera's mast under its sector: the basemap's own dark or light as its edge. */
const MAST_EDGE: Record<Theme, Rgba> = { dark: [8, 16, 26, 230], light: [255, 255, 255, 235] };

export type CameraFeature = CameraView;

/** A silent camera's edge is cut into this many dashes, whatever the sector's size. */
export const SILENT_DASHES = 14;

/**
 * A closed ring cut into `dashes` dashes and as many gaps of equal length (lengths measured with
 * longitude scaled by the cosine of the latitude, near enough for a few hundred metres).
 */
export function dashedRing(ring: readonly Position[], dashes: number): Position[][] {
  if (ring.length < 2 || dashes < 1) return [];
  const k = Math.cos(((ring[0]![1] ?? 0) * Math.PI) / 180);
  const seg: number[] = [];
  let total = 0;
  for (let i = 1; i < ring.length; i++) {
    const d = Math.hypot((ring[i]![0] - ring[i - 1]![0]) * k, ring[i]![1] - ring[i - 1]![1]);
    seg.push(d);
    total += d;
  }
  if (total === 0) return [];
  const piece = total / (2 * dashes);
  const at = (s: number): Position => {
    let i = 0;
    while (i < seg.length - 1 && s > seg[i]!) s -= seg[i++]!;
    const t = seg[i]! === 0 ? 0 : Math.min(1, s / seg[i]!);
    const [a, b] = [ring[i]!, ring[i + 1]!];
    return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  };
  const out: Position[][] = [];
  for (let d = 0; d < dashes; d++) {
    const from = 2 * d * piece;
    const to = from + piece;
    const path: Position[] = [at(from)];
    // The ring's own vertices inside the dash keep its arc round.
    let s = 0;
    for (let i = 0; i < seg.length; i++) {
      s += seg[i]!;
      if (s > from && s < to) path.push(ring[i + 1]!);
    }
    path.push(at(to));
    out.push(path);
  }
  return out;
}

interface Outline {
  path: Position[];
  state: CameraState;
}

/** Every camera's edge: a live one's whole ring, a silent one's dashes. Built once per camera list. */
const outlinesOf = new WeakMap<CameraList, Outline[]>();
export function cameraOutlines(list: CameraList): Outline[] {
  let out = outlinesOf.get(list);
  if (!out) {
    out = [];
    for (const f of list.features) {
      const ring = f.geometry.coordinates[0] as Position[];
      if (f.properties.state === 'live') out.push({ path: ring, state: 'live' });
      else for (const path of dashedRing(ring, SILENT_DASHES)) out.push({ path, state: 'silent' });
    }
    outlinesOf.set(list, out);
  }
  return out;
}

/** The props of the camera layers. */
export interface CameraLayerProps {
  /** `GET /api/cameras`; null while it loads (then no layer). */
  cameras: CameraList | null;
  theme: Theme;
  /** Switched on in the layer panel. @default true */
  visible?: boolean;
  /** Under which basemap layer the sectors go (labels stay on top). */
  placement?: DensityPlacement;
  /** Width of a sector's edge, in pixels. @default 1.5 */
  lineWidthPixels?: number;
  /** Radius of the dot where a camera stands, in pixels. @default 2.5 */
  mastRadiusPixels?: number;
}

/**
 * The cameras (视频监控): each camera's field of view as a sector (a circle for a 360° PTZ camera)
 * filled and edged by its state, and a dot where it stands. The sectors are picked for the tooltip
 * (the picked object is the camera's feature).
 */
export function cameraLayers(props: CameraLayerProps) {
  const { cameras, theme, visible = true, placement = {}, lineWidthPixels = 1.5, mastRadiusPixels = 2.5 } = props;
  if (!cameras) return [];
  const colours = CAMERA_COLOURS[theme];
  return [
    new SolidPolygonLayer<CameraFeature>({
      ...placement,
      id: 'camera-sectors',
      data: cameras.features,
      visible,
      getPolygon: (f) => f.geometry.coordinates[0] as Position[],
      getFillColor: (f) => colours[f.properties.state].fill,
      pickable: true,
      updateTriggers: { getFillColor: theme },
    }),
    new PathLayer<Outline>({
      ...placement,
      id: 'camera-edges',
      data: cameraOutlines(cameras),
      visible,
      getPath: (o) => o.path,
      getColor: (o) => colours[o.state].line,
      getWidth: lineWidthPixels,
      widthUnits: 'pixels',
      updateTriggers: { getColor: theme },
    }),
    new ScatterplotLayer<CameraFeature>({
      ...placement,
      id: 'camera-masts',
      data: cameras.features,
      visible,
      getPosition: (f) => f.properties.position,
      getFillColor: (f) => colours[f.properties.state].line,
      getRadius: mastRadiusPixels,
      radiusUnits: 'pixels',
      stroked: true,
      getLineColor: MAST_EDGE[theme],
      getLineWidth: 1,
      lineWidthUnits: 'pixels',
      updateTriggers: { getFillColor: theme, getLineColor: theme },
    }),
  ];
}
