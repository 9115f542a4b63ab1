import { BitmapLayer } from '@deck.gl/layers';
import type { AreaRaster } from '../traffic/congestionArea.js';
import { densityClassColour, type DensityPlacement } from './densityRamp.js';

/** The area's picture: the raster's classes painted in the density ramp, north row first. */
export interface CongestionAreaImage {
  raster: AreaRaster;
  /** RGBA per raster cell, 4 bytes a cell, row 0 north. */
  pixels: Uint8ClampedArray;
  /** Raster cells in each class 0–5 (for the legend and the tests). */
  classCounts: number[];
}

/**
 * Paints the classes of congestionAreaClasses in the density layers' ramp (the same class, the same
 * colour as on the incident densities: one palette). Class 0 stays transparent.
 */
export function paintCongestionArea(raster: AreaRaster, classes: Uint8Array, alpha = 210): CongestionAreaImage {
  const pixels = new Uint8ClampedArray(4 * classes.length);
  const classCounts = [0, 0, 0, 0, 0, 0];
  const colours = classCounts.map((_, k) => densityClassColour(k, alpha));
  for (let i = 0; i < classes.length; i++) {
    const k = classes[i]!;
    classCounts[k]! += 1;
    if (k > 0) pixels.set(colours[k]!, 4 * i);
  }
  return { raster, pixels, classCounts };
}

export interface CongestionAreaLayerProps {
  image: CongestionAreaImage;
  /** Switched on in the layer panel (拥堵区域). @default true */
  visible?: boolean;
  /** Under which basemap layer it goes; it is drawn below the coloured roads. */
  placement?: DensityPlacement;
}

const imageDataOf = new WeakMap<CongestionAreaImage, ImageData>();

/**
 * The congestion area (拥堵区域) as one bitmap over the city, smoothed by the texture's linear
 * filter: a raster of a few tens of thousands of cells costs one texture upload per speed change,
 * where polygons per cell would cost a tessellation.
 */
export function congestionAreaLayer(props: CongestionAreaLayerProps) {
  const { image, visible = true, placement = {} } = props;
  let data = imageDataOf.get(image);
  if (!data) imageDataOf.set(image, (data = new ImageData(image.pixels as Uint8ClampedArray<ArrayBuffer>, image.raster.width, image.raster.height)));
  return new BitmapLayer({
    ...placement,
    id: 'congestion-area',
    image: data,
    bounds: image.raster.bounds,
    visible,
    pickable: false,
    // The coloured roads above stay readable through the strongest class.
    opacity: 0.75,
  });
}
