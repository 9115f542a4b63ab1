import { roleMay, type Tracker } from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';

/** What `mayReport` looks at of a principal. */
export type Reporter = Pick<Principal, 'kind' | 'name' | 'role' | 'teamId' | 'sessionHash'>;

/**
 * Whether a principal may report a tracker's position. The access rule of `POST /api/trackers/positions`
 * lets every signed-in principal through to this (server/auth/accessRules.ts), because the answer
 * depends on the tracker, not on the role alone:
 *
 * - an inspector's phone reports its own inspector (`inspector:<own username>`), nobody else. Decided
 *   by the role itself, and before `position.report` is asked: the phone works whether or not the
 *   role table gives inspectors that permission, and once it does, an inspector (who has no team)
 *   must still not pass for a gateway below;
 * - a field account (a crew's phone, `position.report` and a team) reports its own team;
 * - a GPS gateway, a machine with its own API token of a role that may `position.report` (field, no
 *   team), reports any team and any inspector: one gateway may carry a district's vehicles and phones.
 *   A token through a kiosk session is a wall display, not a gateway;
 * - nobody else reports anything (a field account without a team has nothing of its own to report).
 */
export function mayReport(p: Reporter, t: Tracker): boolean {
  if (p.role === 'inspector') return p.kind === 'user' && t.kind === 'inspector' && t.username === p.name;
  if (!roleMay(p.role, 'position.report')) return false;
  if (p.teamId !== null) return t.kind === 'team' && t.teamId === p.teamId;
  return p.kind === 'token' && p.sessionHash === null;
}
