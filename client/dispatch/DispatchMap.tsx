import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { PickingInfo } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createCityMap } from '../map/cityMap.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, CityMeta, Incident } from '../../shared/index.js';
import type { Candidate } from '../cases/caseApi.js';
import { liveIncidentLayer } from '../layers/liveIncidentLayer.js';
import { teamMarkerLayer } from '../layers/teamMarkerLayer.js';
import { FAMILY_COLOUR } from '../live/incidentColumns.js';
import { buildCityStyle } from '../map/cityStyle.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { useThemeRestyle } from '../map/useThemeRestyle.js';
import { incidentTooltip } from '../map/tooltip.js';
import type { CaseBoard, TeamBoard } from './caseBoard.js';
import { TEAM_STATUS_COLOUR } from './caseBoard.js';
import { keepInView, type ScreenBox } from './keepInView.js';
import { TeamMarkerSwatch } from './TeamMarkerSwatch.js';


export interface DispatchMapProps {
  city: CityMeta;
  theme: Theme;
  board: CaseBoard;
  boardVersion: number;
  teams: TeamBoard | null;
  teamsVersion: number;
  /** The open case, drawn ringed; the map brings it into view when it changes and is not well in view. */
  selected: Incident | null;
  /** The queue's cursor when it is on another case than the open one (j/k): ringed lightly, kept in view. */
  cursor: Incident | null;
  /** Its candidate teams: routes drawn, the first one strongest. */
  candidates: Candidate[] | null;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  teamName: (id: string) => string;
  onPickCase: (id: string) => void;
}

const TOOLTIP_STYLE = { fontSize: '14px', lineHeight: '1.5', padding: '6px 10px', borderRadius: '6px', fontFamily: 'inherit', whiteSpace: 'pre' };
type Rgba = [number, number, number, number];
/** The rank of a candidate's route as its opacity: the first (the one `d` sends) strongest. */
const ROUTE_ALPHAS = [235, 130, 110, 95, 80];

/** Overlay colours per theme: what reads on the dark wall map does not on the light desk map. */
const OVERLAY: Record<Theme, { route: [number, number, number]; casing: Rgba; ring: Rgba; halo: Rgba; cursor: Rgba; candidate: Rgba }> = {
  dark: { route: [63, 181, 255], casing: [7, 19, 31, 210], ring: [255, 214, 0, 255], halo: [7, 19, 31, 220], cursor: [255, 255, 255, 230], candidate: [255, 255, 255, 255] },
  light: { route: [11, 111, 194], casing: [255, 255, 255, 230], ring: [245, 158, 11, 255], halo: [16, 32, 47, 230], cursor: [16, 32, 47, 220], candidate: [16, 32, 47, 255] },
};

/**
 * Case dots keep their size from street zoom in; farther out they shrink, so that two thousand
 * cases at city zoom read as a spread of points rather than a carpet over the map and the teams.
 */
function caseDotScale(zoom: number): number {
  return Math.min(1, Math.max(0.45, 2 ** ((zoom - 14) / 2)));
}

/**
 * The dispatch console's map: the city basemap (the dashboard's style), every open case as binary
 * points under a stable layer id (smaller when zoomed out), teams as square markers coloured by state
 * above them, the open case ringed with its candidates' routes, kept in view without moving a map
 * that already shows it. The same MapLibre and deck.gl modules as the dashboard's map, so the
 * console's chunk adds only this file. Exposes `window.__gridwatchDispatchMap` for the browser tests.
 */
export function DispatchMap(props: DispatchMapProps) {
  const { city, theme, board, boardVersion, teams, teamsVersion, selected, cursor, candidates, categories, townName, teamName, onPickCase } = props;
  const { t, i18n } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const pickRef = useRef(onPickCase);
  pickRef.current = onPickCase;
  // Quarter steps: the dots' scale follows the zoom without a React render on every frame of it.
  const [zoom, setZoom] = useState(0);

  useEffect(() => {
    const { map, overlay } = createCityMap(container.current!, { bbox: city.bbox, style: buildCityStyle(window.location.origin, PALETTES[theme]) });
    const followZoom = () => setZoom(Math.round(map.getZoom() * 4) / 4);
    followZoom();
    map.on('zoom', followZoom);
    map.on('load', () => {
      (window as unknown as { __gridwatchDispatchMap: unknown }).__gridwatchDispatchMap = {
        loaded: true,
        center: () => map.getCenter().toArray(),
        zoom: () => map.getZoom(),
      };
    });
    mapRef.current = map;
    overlayRef.current = overlay;
    return () => {
      map.remove();
      mapRef.current = null;
      overlayRef.current = null;
    };
    // Built once per city; a theme change restyles below.
  }, [city]);

  useThemeRestyle(mapRef, theme);

  /** The legend's box over the map, so that nothing is framed under it. */
  const covered = (): ScreenBox[] => {
    const box = legendRef.current?.getBoundingClientRect();
    const frame = container.current?.getBoundingClientRect();
    if (!box || !frame || box.width === 0) return [];
    return [{ left: box.left - frame.left, top: box.top - frame.top, right: box.right - frame.left, bottom: box.bottom - frame.top }];
  };

  // Keep the open case in view, with its candidates' routes once they are known. Only when another
  // case is opened or its first candidates arrive: the candidates are asked again on every change of
  // the case, and by then the dispatcher may have moved the map on purpose.
  const selectedId = selected?.id ?? null;
  const framed = useRef<{ caseId: string | null; withRoutes: boolean }>({ caseId: null, withRoutes: false });
  useEffect(() => {
    const map = mapRef.current;
    if (!selected) framed.current = { caseId: null, withRoutes: false };
    if (!map || !selected) return;
    const withRoutes = !!candidates && candidates.length > 0;
    if (framed.current.caseId === selected.id && (framed.current.withRoutes || !withRoutes)) return;
    framed.current = { caseId: selected.id, withRoutes };
    const points: [number, number][] = [[selected.lon, selected.lat]];
    for (const c of candidates ?? []) for (const [lon, lat] of c.route.coordinates) points.push([lon, lat]);
    keepInView(map, points, covered());
  }, [selectedId, candidates]);

  // And the queue's cursor, moved with j/k before the case is opened.
  const cursorId = cursor?.id ?? null;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !cursor) return;
    keepInView(map, [[cursor.lon, cursor.lat]], covered());
  }, [cursorId]);

  useEffect(() => {
    const language = i18n.language === 'en' ? 'en' : 'zh-CN';
    const tooltipContext = { t, language, categoryOf: (c: string) => categories.get(c), townName, now: Date.now() } as const;
    const look = OVERLAY[theme];
    const dotScale = caseDotScale(zoom);
    const ring = (id: string, i: Incident, radius: number, colour: Rgba, width: number) =>
      new ScatterplotLayer<Incident>({
        id,
        data: [i],
        getPosition: (c) => [c.lon, c.lat],
        getRadius: radius,
        radiusUnits: 'pixels',
        filled: false,
        stroked: true,
        getLineColor: colour,
        lineWidthUnits: 'pixels',
        getLineWidth: width,
        updateTriggers: { getLineColor: theme },
      });
    const first = candidates?.[0];
    const layers = [
      // Small dots far out, without the white rim that would turn them into a pale blanket.
      liveIncidentLayer(board.columns, true).clone({ radiusScale: dotScale, stroked: dotScale >= 0.7, opacity: dotScale >= 0.7 ? 1 : 0.85 }),
      first &&
        new PathLayer<Candidate>({
          id: 'candidate-route-casing',
          data: [first],
          getPath: (c) => c.route.coordinates,
          getColor: look.casing,
          getWidth: 10,
          widthUnits: 'pixels',
          capRounded: true,
          jointRounded: true,
          updateTriggers: { getColor: theme },
        }),
      candidates &&
        new PathLayer<Candidate>({
          id: 'candidate-routes',
          data: [...candidates].reverse(),
          getPath: (c) => c.route.coordinates,
          getColor: (c) => [...look.route, ROUTE_ALPHAS[candidates.indexOf(c)] ?? ROUTE_ALPHAS[4]!] as Rgba,
          getWidth: (c) => (candidates.indexOf(c) === 0 ? 6 : 3),
          widthUnits: 'pixels',
          capRounded: true,
          jointRounded: true,
          updateTriggers: { getColor: theme },
        }),
      cursor && ring('cursor-case', cursor, 11, look.cursor, 2),
      teams && teamMarkerLayer('teams-idle', teams, TEAM_STATUS_COLOUR, theme, true),
      teams && teamMarkerLayer('teams', teams, TEAM_STATUS_COLOUR, theme, false),
      candidates &&
        new ScatterplotLayer<Candidate>({
          id: 'candidate-teams',
          data: candidates,
          // Where the team is now: it may have driven on since its route was planned.
          getPosition: (c) => teams?.positionOf(c.teamId) ?? c.route.coordinates[0] ?? [0, 0],
          getRadius: (c) => (candidates.indexOf(c) === 0 ? 17 : 15),
          radiusUnits: 'pixels',
          filled: false,
          stroked: true,
          getLineColor: (c) => (candidates.indexOf(c) === 0 ? look.candidate : ([...look.route, 255] as Rgba)),
          lineWidthUnits: 'pixels',
          getLineWidth: (c) => (candidates.indexOf(c) === 0 ? 3 : 2),
          updateTriggers: { getLineColor: theme, getPosition: teamsVersion },
        }),
      // The open case above everything: a dark halo under the ring keeps it legible on any ground.
      selected && ring('selected-case-halo', selected, 15, look.halo, 6),
      selected && ring('selected-case', selected, 15, look.ring, 3),
    ];
    overlayRef.current?.setProps({
      layers,
      onClick: (info: PickingInfo) => {
        if (info.layer?.id === 'incidents' && info.index >= 0) {
          const i = board.columns.incidentAt(info.index);
          if (i) pickRef.current(i.id);
        }
      },
      getTooltip: (info: PickingInfo) => {
        let text: string | null = null;
        if (info.layer?.id === 'incidents' && info.index >= 0) {
          const i = board.columns.incidentAt(info.index);
          text = i ? `${incidentTooltip(i, tooltipContext)}\n${t(`status.${i.status}`)}` : null;
        } else if ((info.layer?.id === 'teams' || info.layer?.id === 'teams-idle') && teams && info.index >= 0) {
          const team = teams.teams[info.index];
          text = team ? `${teamName(team.id)}\n${t(`teamStatus.${teams.status[info.index]}`)}` : null;
        }
        return text ? { text, style: TOOLTIP_STYLE } : null;
      },
    });
  }, [board, boardVersion, teams, teamsVersion, selected, cursor, candidates, categories, townName, teamName, t, i18n.language, theme, zoom]);

  const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  return (
    <div className="dispatch-map-wrap">
      <div ref={container} className="map" data-testid="dispatch-map" />
      <div ref={legendRef} className="dispatch-legend" data-testid="dispatch-legend">
        <div className="legend-row">
          <span className="dot" style={{ background: rgb(FAMILY_COLOUR.E) }} />
          {t('legend.event')}
          <span className="dot" style={{ background: rgb(FAMILY_COLOUR.C) }} />
          {t('legend.component')}
        </div>
        <div className="legend-row">
          {t('dispatch.teamsLegend')}:
          {(Object.keys(TEAM_STATUS_COLOUR) as (keyof typeof TEAM_STATUS_COLOUR)[]).map((s) => (
            <span key={s} className="legend-item">
              <TeamMarkerSwatch status={s} colour={TEAM_STATUS_COLOUR[s]} theme={theme} />
              {t(`teamStatus.${s}`)}
            </span>
          ))}
        </div>
        {candidates && candidates.length > 0 && (
          <div className="legend-row">
            <span className="route-swatch" />
            {t('dispatch.routeLegend')}
          </div>
        )}
      </div>
    </div>
  );
}
