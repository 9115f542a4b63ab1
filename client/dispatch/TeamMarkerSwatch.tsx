import {
  TEAM_MARKER_BODY,
  TEAM_MARKER_GLYPH_COLOUR,
  TEAM_MARKER_TRUCK,
  TEAM_MARKER_VIEWBOX,
  TEAM_MARKER_WHEEL_RADIUS,
  TEAM_MARKER_WHEELS,
  teamMarkerOutline,
} from '../layers/teamMarkerLayer.js';
import type { TeamStatus } from '../../shared/index.js';
import type { Theme } from '../map/palette.js';

/** The map's team marker in the legend: the same paths as the icon atlas, as inline SVG. */
export function TeamMarkerSwatch({ status, colour, theme, size = 16 }: { status: TeamStatus; colour: readonly number[]; theme: Theme; size?: number }) {
  const fill = `rgb(${colour[0]}, ${colour[1]}, ${colour[2]})`;
  const v = TEAM_MARKER_VIEWBOX;
  return (
    <svg className="team-swatch" width={size} height={size} viewBox={`0 0 ${v} ${v}`} aria-hidden="true" focusable="false">
      <path d={TEAM_MARKER_BODY} fill={teamMarkerOutline(status, theme)} />
      <path d={TEAM_MARKER_BODY} fill={fill} transform={`translate(${v / 2} ${v / 2}) scale(0.84) translate(${-v / 2} ${-v / 2})`} />
      <path d={TEAM_MARKER_TRUCK} fill={TEAM_MARKER_GLYPH_COLOUR} />
      {TEAM_MARKER_WHEELS.map(([x, y]) => (
        <circle key={x} cx={x} cy={y} r={TEAM_MARKER_WHEEL_RADIUS} fill={TEAM_MARKER_GLYPH_COLOUR} stroke={fill} strokeWidth={1.2} />
      ))}
    </svg>
  );
}
