import { IconLayer, type IconLayerProps } from '@deck.gl/layers';
import type { TeamStatus } from '../../shared/index.js';
import type { Theme } from '../map/palette.js';

/**
 * The team marker: a rounded square with a truck on it, filled by the team's state. Cases are round
 * dots, so a square reads as "a crew" at any zoom even where the dots lie thick. The same paths draw
 * the map's icon atlas and the legend's swatch, so the two cannot drift apart.
 */
export const TEAM_MARKER_VIEWBOX = 32;
export const TEAM_MARKER_BODY = 'M10 3h12a7 7 0 0 1 7 7v12a7 7 0 0 1-7 7H10a7 7 0 0 1-7-7V10a7 7 0 0 1 7-7z';
/** Cargo box and cab; the wheels are drawn apart, each ringed in the fill so they stand off the body. */
export const TEAM_MARKER_TRUCK = 'M7 10.5h11.5v9H7z M19.5 13.5h4.2l2.8 3.3v2.7h-7z';
export const TEAM_MARKER_WHEELS: readonly [number, number][] = [
  [11, 20.5],
  [22.5, 20.5],
];
export const TEAM_MARKER_WHEEL_RADIUS = 2.3;
export const TEAM_MARKER_GLYPH_COLOUR = '#0b1a28';

/** The marker's edge: light on the dark map, dark on the light one, so it holds against both. */
export const TEAM_MARKER_OUTLINE: Record<Theme, string> = { dark: '#ffffff', light: '#10202f' };
/** Teams that cannot be sent get a quieter edge: the eye should go to the ones that can. */
export const TEAM_MARKER_IDLE_OUTLINE: Record<Theme, string> = { dark: '#8a9aab', light: '#5b6b7c' };

/** Off duty or offline: not to be sent, drawn quieter, smaller and under the others. */
export function isIdleTeam(status: TeamStatus): boolean {
  return status === 'off_duty' || status === 'offline';
}

/** The edge of a team's marker. */
export function teamMarkerOutline(status: TeamStatus, theme: Theme): string {
  return (isIdleTeam(status) ? TEAM_MARKER_IDLE_OUTLINE : TEAM_MARKER_OUTLINE)[theme];
}

/** Side of a team marker's 32-unit box on screen, whatever the zoom (the body fills 26 units of it). */
export const TEAM_MARKER_PIXELS = 22;
/** Teams off duty or offline cannot be sent: drawn a little smaller than the ones that can. */
const IDLE_SCALE = 0.78;

/** Atlas pixels per icon side: drawn larger than shown so the marker stays crisp on dense screens. */
const CELL = 64;
/** Room around the marker in each cell for its shadow. */
const MARGIN = 6;

type Rgb = readonly [number, number, number];
type Atlas = { canvas: HTMLCanvasElement; mapping: Record<string, { x: number; y: number; width: number; height: number; anchorY: number; mask: false }> };

const rgb = (c: Rgb) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** One icon per team state for this theme, drawn in code (no image file to fetch). */
export function buildTeamAtlas(colours: Record<TeamStatus, Rgb>, theme: Theme): Atlas {
  const statuses = Object.keys(colours) as TeamStatus[];
  const canvas = document.createElement('canvas');
  canvas.width = CELL * statuses.length;
  canvas.height = CELL;
  const ctx = canvas.getContext('2d')!;
  const body = new Path2D(TEAM_MARKER_BODY);
  const truck = new Path2D(TEAM_MARKER_TRUCK);
  const side = CELL - 2 * MARGIN;
  const scale = side / TEAM_MARKER_VIEWBOX;
  const mapping: Atlas['mapping'] = {};
  statuses.forEach((status, k) => {
    const fill = rgb(colours[status]);
    ctx.save();
    ctx.translate(k * CELL + MARGIN, MARGIN);
    ctx.scale(scale, scale);
    // A soft shadow lifts the marker off the case dots under it.
    ctx.shadowColor = theme === 'dark' ? 'rgba(0, 0, 0, 0.7)' : 'rgba(16, 32, 47, 0.45)';
    ctx.shadowBlur = 3 * scale;
    ctx.shadowOffsetY = 0.8 * scale;
    ctx.fillStyle = teamMarkerOutline(status, theme);
    ctx.fill(body);
    ctx.shadowColor = 'transparent';
    // The outline is the body drawn full size, the fill the same shape inset.
    ctx.save();
    ctx.translate(16, 16);
    ctx.scale(0.84, 0.84);
    ctx.translate(-16, -16);
    ctx.fillStyle = fill;
    ctx.fill(body);
    ctx.restore();
    ctx.fillStyle = TEAM_MARKER_GLYPH_COLOUR;
    ctx.fill(truck);
    for (const [x, y] of TEAM_MARKER_WHEELS) {
      ctx.beginPath();
      ctx.arc(x, y, TEAM_MARKER_WHEEL_RADIUS, 0, 2 * Math.PI);
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = fill;
      ctx.stroke();
      ctx.fill();
    }
    ctx.restore();
    mapping[status] = { x: k * CELL, y: 0, width: CELL, height: CELL, anchorY: CELL / 2, mask: false };
  });
  return { canvas, mapping };
}

const atlases = new Map<string, Atlas>();
/** The atlas for a theme, drawn once per page and theme (the state colours are constants). */
function atlasFor(colours: Record<TeamStatus, Rgb>, theme: Theme): Atlas {
  let atlas = atlases.get(theme);
  if (!atlas) atlases.set(theme, (atlas = buildTeamAtlas(colours, theme)));
  return atlas;
}

export interface TeamMarkerSource {
  length: number;
  version: number;
  positions: Float32Array;
  /** RGBA per team: only the alpha is used (the icon carries the colour), to fade idle teams. */
  colours: Uint8Array;
  /** 0 where the team's position is unknown. */
  radii: Float32Array;
  status: readonly TeamStatus[];
}

/**
 * The teams as markers of constant screen size, above the cases: `idle` draws those off duty or
 * offline, the other layer the rest, so that a team that can be sent is never hidden under one that
 * cannot. Both read the team board's typed arrays (binary attributes), so a row index is a team in
 * either; the icon and size follow each team's state.
 */
export function teamMarkerLayer(id: string, teams: TeamMarkerSource, colours: Record<TeamStatus, Rgb>, theme: Theme, idle: boolean) {
  const atlas = atlasFor(colours, theme);
  const data = {
    length: teams.length,
    version: teams.version,
    attributes: {
      getPosition: { value: teams.positions, size: 2 },
      getColor: { value: teams.colours, size: 4, normalized: true },
    },
  };
  return new IconLayer({
    id,
    data,
    // The atlas is a canvas: deck.gl makes a texture of it at once, so no frame shows teams missing.
    iconAtlas: atlas.canvas as unknown as IconLayerProps['iconAtlas'],
    iconMapping: atlas.mapping,
    getIcon: (_: unknown, { index }: { index: number }) => teams.status[index]!,
    // Size 0 leaves a team out: unknown position, or drawn by the other layer.
    getSize: (_: unknown, { index }: { index: number }) => (teams.radii[index] === 0 || isIdleTeam(teams.status[index]!) !== idle ? 0 : idle ? IDLE_SCALE : 1),
    sizeUnits: 'pixels',
    sizeScale: TEAM_MARKER_PIXELS * (CELL / (CELL - 2 * MARGIN)),
    billboard: true,
    pickable: true,
    updateTriggers: { getIcon: teams.version, getSize: teams.version },
  });
}
