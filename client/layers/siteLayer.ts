import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { SiteStatus, SiteWithStats } from '../../shared/index.js';
import type { Theme } from '../map/palette.js';
import type { DensityPlacement } from './densityRamp.js';

type Rgba = [number, number, number, number];

/**
 * Rate classes by rank among the sites with any incident: the top tenth, the next 15 %, the next
 * quarter, the bottom half, and the sites with none. Scaled to the worst site, nearly every lot would
 * share the lowest colour; by rank the worst few always stand out, whatever the city's level.
 */
export const SITE_RATE_QUANTILES = [0.5, 0.75, 0.9] as const;
export const SITE_RATE_CLASSES = ['none', 'low', 'middle', 'high', 'top'] as const;
export type SiteRateClass = (typeof SITE_RATE_CLASSES)[number];

/**
 * Each rate's class index in SITE_RATE_CLASSES: 0 for none; above that by the share of the sites
 * with incidents that rate higher (ties share a class), so that the worst site is always in the top
 * class, however few sites have incidents.
 */
export function siteRateClasses(rates: readonly number[]): number[] {
  const sorted = rates.filter((r) => r > 0).sort((a, b) => b - a);
  return rates.map((r) => {
    if (r <= 0) return 0;
    // How many rate strictly higher: the first index holding r in the descending list.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! > r) lo = mid + 1;
      else hi = mid;
    }
    return classOfShareAbove(lo / sorted.length);
  });
}

/** The class of a site with this share of the others above it: top 10 %, 10–25 %, 25–50 %, bottom half. */
function classOfShareAbove(above: number): number {
  let k = SITE_RATE_CLASSES.length - 1;
  for (const q of SITE_RATE_QUANTILES) if (above >= 1 - q) k--;
  return Math.max(1, k);
}

/**
 * A site's class from its rank among `among` sites, for a page that has the one site: the same
 * quantiles, counted over all the sites of its kind rather than over those with incidents.
 */
export function siteRateClassByRank(rank: number, among: number, rate: number): number {
  return rate <= 0 ? 0 : classOfShareAbove((rank - 1) / Math.max(among, 1));
}

/**
 * The fills of the rate classes, per look: a site without incidents is a faint ghost, the classes
 * climb from a muted amber to a deep red, opaque enough to read over the land. The map, the legend,
 * the ranked list and the site page read this one table.
 */
export const SITE_RATE_COLOURS: Record<Theme, readonly Rgba[]> = {
  dark: [
    [140, 150, 165, 60],
    [254, 204, 92, 150],
    [253, 141, 60, 190],
    [240, 59, 32, 220],
    [255, 20, 60, 245],
  ],
  light: [
    [120, 128, 140, 55],
    [254, 196, 79, 170],
    [253, 141, 60, 200],
    [227, 26, 28, 220],
    [165, 0, 38, 240],
  ],
};

/**
 * The outline of a site by its status: idle, the problem state, in the look's strong white or black;
 * fenced in amber; greened in green; under construction in blue; back in use in a quiet grey. Colour
 * and width differ, so idle sites read apart even where colour does not.
 */
export const SITE_STATUS_COLOURS: Record<Theme, Record<SiteStatus, Rgba>> = {
  dark: { idle: [245, 245, 245, 255], fenced: [255, 193, 7, 255], greened: [76, 217, 100, 255], under_construction: [66, 165, 245, 255], returned_to_use: [150, 160, 175, 230] },
  light: { idle: [20, 24, 30, 255], fenced: [200, 130, 0, 255], greened: [30, 140, 60, 255], under_construction: [21, 101, 192, 255], returned_to_use: [120, 128, 138, 230] },
};

/** The props of the sites layer (vacant lots and material yards). */
export interface SiteLayerProps {
  /** `GET /api/vacant-lots` items; null while they load (then no layer). */
  sites: readonly SiteWithStats[] | null;
  /** The look, for the class and status colours. */
  theme: Theme;
  /** The map's zoom: below `dotsBelowZoom` each site also gets a dot, as a lot is a speck at city scale. */
  zoom: number;
  /** Switched on in the layer panel. @default false */
  visible?: boolean;
  /** Under the basemap's labels. */
  placement?: DensityPlacement;
  /** Zoom under which a dot marks each site. @default 14 */
  dotsBelowZoom?: number;
  /** The dots' radius, pixels; the worst class's is 1.7 times larger, a site without incidents 0.6. @default 5 */
  dotRadiusPixels?: number;
  /** An idle site's outline width, pixels; other statuses draw 1.5. @default 2.5 */
  idleLineWidthPixels?: number;
  /** The class of each site, when the sites drawn are not all the sites (a site page). @default by quantiles of the sites given */
  rateClassOf?: (s: SiteWithStats) => number;
}

const DEFAULTS = { visible: false, dotsBelowZoom: 14, dotRadiusPixels: 5, idleLineWidthPixels: 2.5 };

/** A site and its class, as the layers draw it. */
export interface DrawnSite {
  site: SiteWithStats;
  rateClass: number;
  centre: [number, number];
  /** Its place by rate among the sites of its kind (1 = highest), and how many there are. */
  rankInKind: number;
  ofKind: number;
}

/** Each site's class among the sites of its kind, and a point inside it (the mean of its outer ring: lots and yards are convex enough). */
export function drawnSites(sites: readonly SiteWithStats[], rateClassOf?: (s: SiteWithStats) => number): DrawnSite[] {
  // Classed within each kind: yards, small and busy, would otherwise take every top class from the lots.
  const classes = new Array<number>(sites.length).fill(0);
  const ranks = new Array<{ rank: number; of: number }>(sites.length);
  for (const kind of new Set(sites.map((s) => s.kind))) {
    const of = sites.flatMap((s, i) => (s.kind === kind ? [i] : []));
    siteRateClasses(of.map((i) => sites[i]!.stats.ratePerHa)).forEach((k, j) => (classes[of[j]!] = k));
    [...of].sort((a, b) => sites[a]!.stats.rank - sites[b]!.stats.rank).forEach((i, j) => (ranks[i] = { rank: j + 1, of: of.length }));
  }
  return sites.map((site, i) => {
    const ring = site.geometry.type === 'Polygon' ? site.geometry.coordinates[0]! : site.geometry.coordinates[0]![0]!;
    const n = ring.length - 1;
    let x = 0;
    let y = 0;
    for (let i = 0; i < n; i++) {
      x += ring[i]![0] / n;
      y += ring[i]![1] / n;
    }
    return { site, rateClass: rateClassOf ? rateClassOf(site) : classes[i]!, centre: [x, y], rankInKind: ranks[i]!.rank, ofKind: ranks[i]!.of };
  });
}

/** The polygons (id `sites`) and, zoomed out, their dots (id `site-dots`), the worst drawn last (on top). */
export function siteLayers(props: SiteLayerProps): Layer[] {
  const p = { ...DEFAULTS, ...props };
  if (!p.visible || !p.sites) return [];
  const drawn = drawnSites(p.sites, p.rateClassOf).sort((a, b) => a.rateClass - b.rateClass);
  const fills = SITE_RATE_COLOURS[p.theme];
  const lines = SITE_STATUS_COLOURS[p.theme];
  const layers: Layer[] = [
    new GeoJsonLayer<DrawnSite>({
      id: 'sites',
      data: drawn.map((d) => ({ type: 'Feature', geometry: d.site.geometry, properties: d })) as never,
      filled: true,
      stroked: true,
      pickable: true,
      getFillColor: (f: { properties: DrawnSite }) => fills[f.properties.rateClass]!,
      // A site without incidents keeps a faint, thin outline: 46 bright rings would drown the few that matter.
      getLineColor: (f: { properties: DrawnSite }) => (f.properties.rateClass === 0 ? ([...lines[f.properties.site.status].slice(0, 3), 110] as Rgba) : lines[f.properties.site.status]),
      getLineWidth: (f: { properties: DrawnSite }) => (f.properties.rateClass === 0 ? 1 : f.properties.site.status === 'idle' ? p.idleLineWidthPixels : 1.5),
      lineWidthUnits: 'pixels',
      updateTriggers: { getFillColor: [p.theme], getLineColor: [p.theme], getLineWidth: [p.idleLineWidthPixels] },
      ...(p.placement ?? {}),
    } as never),
  ];
  if (p.zoom < p.dotsBelowZoom) {
    layers.push(
      new ScatterplotLayer<DrawnSite>({
        id: 'site-dots',
        data: drawn,
        pickable: true,
        getPosition: (d) => d.centre,
        // Sites without incidents recede; the worst class is the largest.
        getRadius: (d) => (d.rateClass === 0 ? 0.6 : d.rateClass === SITE_RATE_CLASSES.length - 1 ? 1.7 : 1) * p.dotRadiusPixels,
        radiusUnits: 'pixels',
        getFillColor: (d) => {
          const c = fills[d.rateClass]!;
          return d.rateClass === 0 ? c : [c[0], c[1], c[2], Math.max(c[3], 220)];
        },
        stroked: true,
        getLineColor: (d) => (d.rateClass === 0 ? [...lines[d.site.status].slice(0, 3), 110] as Rgba : lines[d.site.status]),
        lineWidthUnits: 'pixels',
        getLineWidth: (d) => (d.site.status === 'idle' ? 1.5 : 1),
        updateTriggers: { getFillColor: [p.theme], getLineColor: [p.theme] },
      }),
    );
  }
  return layers;
}
