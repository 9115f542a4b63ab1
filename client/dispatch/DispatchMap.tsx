import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { PickingInfo } from '@deck.gl/core';
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, CityMeta, Incident } from '../../shared/index.js';
import type { Candidate } from '../cases/caseApi.js';
import { liveIncidentLayer } from '../layers/liveIncidentLayer.js';
import { buildCityStyle } from '../map/cityStyle.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { incidentTooltip } from '../map/tooltip.js';
import type { CaseBoard, TeamBoard } from './caseBoard.js';
import { TEAM_STATUS_COLOUR } from './caseBoard.js';

setWorkerUrl(workerUrl);

export interface DispatchMapProps {
  city: CityMeta;
  theme: Theme;
  board: CaseBoard;
  boardVersion: number;
  teams: TeamBoard | null;
  teamsVersion: number;
  /** The open case, drawn ringed; the map moves to it when it changes. */
  selected: Incident | null;
  /** Its candidate teams: routes drawn, the first one strongest. */
  candidates: Candidate[] | null;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  teamName: (id: string) => string;
  onPickCase: (id: string) => void;
}

const TOOLTIP_STYLE = { fontSize: '14px', lineHeight: '1.5', padding: '6px 10px', borderRadius: '6px', fontFamily: 'inherit', whiteSpace: 'pre' };
const ROUTE_COLOURS: [number, number, number, number][] = [
  [63, 181, 255, 235],
  [63, 181, 255, 130],
  [63, 181, 255, 110],
  [63, 181, 255, 95],
  [63, 181, 255, 80],
];

/**
 * The dispatch console's map: the city basemap (the dashboard's style), every open case as binary
 * points under a stable layer id, teams coloured by state from typed arrays, the open case ringed
 * and its candidates' routes. The same MapLibre and deck.gl modules as the dashboard's map, so the
 * console's chunk adds only this file. Exposes `window.__gridwatchDispatchMap` for the browser tests.
 */
export function DispatchMap(props: DispatchMapProps) {
  const { city, theme, board, boardVersion, teams, teamsVersion, selected, candidates, categories, townName, teamName, onPickCase } = props;
  const { t, i18n } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const pickRef = useRef(onPickCase);
  pickRef.current = onPickCase;

  useEffect(() => {
    const [w, s, e, n] = city.bbox;
    const map = new MapLibreMap({
      container: container.current!,
      style: buildCityStyle(window.location.origin, PALETTES[theme]),
      bounds: [w, s, e, n],
      fitBoundsOptions: { padding: 20 },
      attributionControl: false,
      maxPitch: 0,
      dragRotate: false,
      touchPitch: false,
    });
    map.touchZoomRotate.disableRotation();
    const overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
    map.addControl(overlay);
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

  const styledTheme = useRef(theme);
  useEffect(() => {
    if (styledTheme.current === theme) return;
    styledTheme.current = theme;
    mapRef.current?.setStyle(buildCityStyle(window.location.origin, PALETTES[theme]));
  }, [theme]);

  // Frame the open case, with its candidates' routes once they are known.
  const selectedId = selected?.id ?? null;
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !selected) return;
    const routes = candidates?.flatMap((c) => c.route.coordinates) ?? [];
    if (routes.length > 0) {
      let [w, s, e, n] = [selected.lon, selected.lat, selected.lon, selected.lat];
      for (const [lon, lat] of routes) {
        w = Math.min(w, lon);
        s = Math.min(s, lat);
        e = Math.max(e, lon);
        n = Math.max(n, lat);
      }
      map.fitBounds([w, s, e, n], { padding: 60, maxZoom: 15.5, duration: 600 });
    } else {
      map.easeTo({ center: [selected.lon, selected.lat], zoom: Math.max(map.getZoom(), 14), duration: 600 });
    }
    // Only when another case is opened or its candidates arrive, not on every update of the case.
  }, [selectedId, candidates]);

  useEffect(() => {
    const language = i18n.language === 'en' ? 'en' : 'zh-CN';
    const tooltipContext = { t, language, categoryOf: (c: string) => categories.get(c), townName, now: Date.now() } as const;
    const layers = [
      candidates &&
        new PathLayer<Candidate>({
          id: 'candidate-routes',
          data: [...candidates].reverse(),
          getPath: (c) => c.route.coordinates,
          getColor: (c) => ROUTE_COLOURS[candidates.indexOf(c)] ?? ROUTE_COLOURS[4]!,
          getWidth: (c) => (candidates.indexOf(c) === 0 ? 6 : 3),
          widthUnits: 'pixels',
          capRounded: true,
          jointRounded: true,
        }),
      liveIncidentLayer(board.columns, true),
      teams &&
        new ScatterplotLayer({
          id: 'teams',
          data: teams.layerData(),
          radiusUnits: 'pixels',
          stroked: true,
          getLineColor: [10, 20, 30, 255],
          lineWidthMinPixels: 2,
          pickable: true,
        }),
      candidates &&
        new ScatterplotLayer<Candidate>({
          id: 'candidate-teams',
          data: candidates,
          getPosition: (c) => c.route.coordinates[0] ?? [0, 0],
          getRadius: (c) => (candidates.indexOf(c) === 0 ? 11 : 9),
          radiusUnits: 'pixels',
          filled: false,
          stroked: true,
          getLineColor: [255, 255, 255, 255],
          lineWidthMinPixels: 2,
        }),
      selected &&
        new ScatterplotLayer<Incident>({
          id: 'selected-case',
          data: [selected],
          getPosition: (i) => [i.lon, i.lat],
          getRadius: 14,
          radiusUnits: 'pixels',
          filled: false,
          stroked: true,
          getLineColor: [255, 214, 0, 255],
          lineWidthMinPixels: 3,
        }),
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
        } else if (info.layer?.id === 'teams' && teams && info.index >= 0) {
          const team = teams.teams[info.index];
          text = team ? `${teamName(team.id)}\n${t(`teamStatus.${teams.status[info.index]}`)}` : null;
        }
        return text ? { text, style: TOOLTIP_STYLE } : null;
      },
    });
  }, [board, boardVersion, teams, teamsVersion, selected, candidates, categories, townName, teamName, t, i18n.language]);

  const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  return (
    <div className="dispatch-map-wrap">
      <div ref={container} className="map" data-testid="dispatch-map" />
      <div className="dispatch-legend">
        <div className="legend-row">
          <span className="dot" style={{ background: 'rgb(255, 112, 67)' }} />
          {t('legend.event')}
          <span className="dot" style={{ background: 'rgb(66, 165, 245)' }} />
          {t('legend.component')}
        </div>
        <div className="legend-row">
          {t('dispatch.teamsLegend')}:
          {(Object.keys(TEAM_STATUS_COLOUR) as (keyof typeof TEAM_STATUS_COLOUR)[]).map((s) => (
            <span key={s} className="legend-item">
              <span className="dot team" style={{ background: rgb(TEAM_STATUS_COLOUR[s]) }} />
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
