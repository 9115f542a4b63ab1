import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef } from 'react';
import type { CityMeta, IncidentStatus, TeamStatus } from '../../shared/index.js';
import type { ReplayAnswer } from '../../shared/schema/replay.js';
import { TEAM_STATUS_COLOUR } from '../dispatch/caseBoard.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { useCityMap } from '../map/useCityMap.js';

type Rgb = [number, number, number];

/**
 * A case's dot by its stage: waiting at the centre in blues, with a unit in warm colours (the longer
 * the work, the hotter), back at the centre for checking in violet, parked in grey.
 */
export const CASE_STATUS_COLOUR: Record<IncidentStatus, Rgb> = {
  reported: [120, 170, 230],
  accepted: [80, 140, 220],
  registered: [40, 110, 210],
  dispatched: [255, 170, 40],
  handling: [240, 90, 50],
  handled: [175, 120, 240],
  verified: [120, 200, 200],
  suspended: [140, 140, 140],
  closed: [60, 190, 110],
  rejected: [90, 90, 90],
};

/** One case drawn at the moment shown. */
export interface DrawnCase {
  index: number;
  lon: number;
  lat: number;
  status: IncidentStatus;
}

/** One crew drawn at the moment shown, with the path it drove in the last minutes. */
export interface DrawnTeam {
  index: number;
  lon: number;
  lat: number;
  status: TeamStatus | null;
  trail: [number, number][];
}

/**
 * The replay's map: the city's own basemap, the cases open at the moment as dots by stage, the crews
 * as ringed markers by state with their recent trails, the case followed ringed; the map flies to a
 * case when it is picked. The drawn counts are on the container (data-drawn-cases, -teams) for checks.
 */
export function ReplayMap(props: {
  city: CityMeta;
  theme: Theme;
  answer: ReplayAnswer;
  cases: DrawnCase[];
  teams: DrawnTeam[];
  picked: number | null;
  onPick: (caseIndex: number) => void;
  teamName: (index: number) => string;
  caseLabel: (index: number) => string;
}) {
  const { city, theme, answer, cases, teams, picked } = props;
  const container = useRef<HTMLDivElement>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  const labels = useRef({ team: props.teamName, case: props.caseLabel });
  labels.current = { team: props.teamName, case: props.caseLabel };

  const { mapRef, overlayRef } = useCityMap(container, city, theme);

  // To the case followed, close enough to see its street.
  useEffect(() => {
    if (picked === null) return;
    mapRef.current?.flyTo({ center: [answer.cases.lon[picked]!, answer.cases.lat[picked]!], zoom: Math.max(15, mapRef.current.getZoom()), duration: 800 });
  }, [picked, answer]);

  useEffect(() => {
    const label = PALETTES[theme].label;
    const ring: [number, number, number, number] = theme === 'dark' ? [255, 255, 255, 255] : [16, 32, 47, 255];
    overlayRef.current?.setProps({
      layers: [
        new PathLayer<DrawnTeam>({
          id: 'replay-trails',
          data: teams.filter((d) => d.trail.length > 1),
          getPath: (d) => d.trail,
          getColor: (d) => [...TEAM_STATUS_COLOUR[d.status ?? 'available'], 150],
          getWidth: 3,
          widthUnits: 'pixels',
          capRounded: true,
          jointRounded: true,
        }),
        new ScatterplotLayer<DrawnCase>({
          id: 'replay-cases',
          data: cases,
          getPosition: (d) => [d.lon, d.lat],
          getFillColor: (d) => [...CASE_STATUS_COLOUR[d.status], 230],
          getLineColor: [label[0], label[1], label[2], 90],
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          getRadius: 4,
          radiusUnits: 'pixels',
          pickable: true,
          onClick: (info) => {
            const d = info.object as DrawnCase | undefined;
            if (d) onPick.current(d.index);
          },
        }),
        new ScatterplotLayer<{ lon: number; lat: number }>({
          id: 'replay-picked',
          data: picked === null ? [] : [{ lon: answer.cases.lon[picked]!, lat: answer.cases.lat[picked]! }],
          getPosition: (d) => [d.lon, d.lat],
          filled: false,
          stroked: true,
          getLineColor: ring,
          getLineWidth: 3,
          lineWidthUnits: 'pixels',
          getRadius: 11,
          radiusUnits: 'pixels',
        }),
        new ScatterplotLayer<DrawnTeam>({
          id: 'replay-teams',
          data: teams,
          getPosition: (d) => [d.lon, d.lat],
          getFillColor: (d) => [...TEAM_STATUS_COLOUR[d.status ?? 'available'], 255],
          getLineColor: ring,
          stroked: true,
          getLineWidth: 2,
          lineWidthUnits: 'pixels',
          getRadius: 7,
          radiusUnits: 'pixels',
          pickable: true,
        }),
      ],
      getTooltip: ({ object, layer }) => {
        if (!object || !layer) return null;
        if (layer.id === 'replay-teams') return { text: labels.current.team((object as DrawnTeam).index) };
        if (layer.id === 'replay-cases') return { text: labels.current.case((object as DrawnCase).index) };
        return null;
      },
    });
  }, [cases, teams, picked, theme, answer]);

  return <div ref={container} className="replay-map" data-testid="replay-map" data-drawn-cases={cases.length} data-drawn-teams={teams.length} />;
}
