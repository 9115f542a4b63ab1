import { GeoJsonLayer } from '@deck.gl/layers';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CityLayer, CityMeta } from '../../shared/index.js';
import { fetchCityLayer } from '../map/cityMap.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { bbox, featureCollection } from '@turf/turf';
import { quintileClasses } from '../../shared/report/townMap.js';
import { useCityMap } from '../map/useCityMap.js';

type Area = CityLayer<'towns'>['features'][number] | CityLayer<'communities'>['features'][number];

/** Five classes from worst to best, the worst in red: a review map is read for where it goes wrong. */
export const REGION_RAMP: [number, number, number][] = [
  [215, 48, 39],
  [252, 141, 89],
  [254, 224, 139],
  [145, 207, 96],
  [26, 152, 80],
];

/**
 * The towns (or one town's communities) coloured by an indicator of the review, each clickable to
 * drill down; the area picked is outlined.
 */
export function RegionMap(props: {
  city: CityMeta;
  theme: Theme;
  /** Towns, or the communities of `town`. */
  town: string | null;
  values: ReadonlyMap<string, number | null>;
  higherIsBetter: boolean;
  picked: string | null;
  onPick: (code: string) => void;
}) {
  const { city, theme, town, values, higherIsBetter, picked } = props;
  const container = useRef<HTMLDivElement>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  const [towns, setTowns] = useState<Area[] | null>(null);
  const [communities, setCommunities] = useState<Area[] | null>(null);
  useEffect(() => {
    void fetchCityLayer('towns').then(setTowns);
  }, []);
  useEffect(() => {
    if (town && !communities) void fetchCityLayer('communities').then(setCommunities);
  }, [town, communities]);
  const { mapRef, overlayRef } = useCityMap(container, city, theme);

  const areas = useMemo(() => (town ? (communities ?? []).filter((c) => (c.properties as { townCode?: string }).townCode === town) : (towns ?? [])), [town, towns, communities]);
  const classes = useMemo(() => quintileClasses(values, higherIsBetter), [values, higherIsBetter]);
  // Into the town picked, out to the whole district.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || areas.length === 0) return;
    const [w, s, e, n] = town ? bbox(featureCollection(areas as never)) : city.bbox;
    map.fitBounds([w, s, e, n], { padding: 16, duration: 400 });
  }, [areas, town, city.bbox]);
  useEffect(() => {
    const label = PALETTES[theme].label;
    overlayRef.current?.setProps({
      layers: [
        new GeoJsonLayer<Area['properties']>({
          id: 'review-regions',
          data: areas as never,
          filled: true,
          stroked: true,
          pickable: true,
          getFillColor: (f) => {
            const k = classes.get(f.properties.code);
            return k === undefined ? [0, 0, 0, 0] : [...REGION_RAMP[k]!, 170];
          },
          getLineColor: (f) => (f.properties.code === picked ? label : [label[0], label[1], label[2], 110]),
          getLineWidth: (f) => (f.properties.code === picked ? 3 : 1),
          lineWidthUnits: 'pixels',
          onClick: (info) => {
            const code = (info.object as { properties?: { code?: string } } | undefined)?.properties?.code;
            if (code) onPick.current(code);
          },
          updateTriggers: { getFillColor: [classes], getLineColor: [picked, theme], getLineWidth: [picked] },
        }),
      ],
      getTooltip: ({ object }) => {
        const p = (object as { properties?: { code: string; name: { zh: string } } } | null)?.properties;
        if (!p) return null;
        const v = values.get(p.code);
        return { text: `${p.name.zh}${v === undefined || v === null ? '' : ` · ${Math.abs(v) <= 1 ? `${(v * 100).toFixed(1)}%` : v.toFixed(1)}`}` };
      },
    });
  }, [areas, classes, picked, theme, values]);
  return <div ref={container} className="review-map" data-testid="review-map" />;
}
