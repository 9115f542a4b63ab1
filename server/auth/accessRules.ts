import { match } from 'path-to-regexp';
import type { ClientToServerEvents, Permission } from '../../shared/index.js';

/**
 * Who may call what: every HTTP route and every socket message, in one table. A request or message
 * without a rule here is refused, whatever handlers exist.
 *
 * - `public`: anyone, signed in or not;
 * - `signed-in`: any valid session or token;
 * - a permission: a principal whose role has it (shared/auth/roles.ts says which roles do).
 */
export type Allow = 'public' | 'signed-in' | Permission;
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRule {
  method: Method;
  path: string;
  allow: Allow;
}

export const HTTP_RULES: readonly HttpRule[] = [
  { method: 'GET', path: '/api/health', allow: 'public' },
  { method: 'POST', path: '/api/auth/login', allow: 'public' },
  { method: 'POST', path: '/api/auth/logout', allow: 'signed-in' },
  // Answers {user: null} to nobody: a signed-out page asks without an error.
  { method: 'GET', path: '/api/auth/me', allow: 'public' },
  // Opened with a wall display's bearer token (the handler also refuses a session).
  { method: 'POST', path: '/api/auth/kiosk', allow: 'kiosk.open' },

  { method: 'GET', path: '/api/settings', allow: 'city.read' },
  { method: 'GET', path: '/api/city', allow: 'city.read' },
  { method: 'GET', path: '/api/layers/:name', allow: 'city.read' },
  { method: 'GET', path: '/api/grid/cell', allow: 'city.read' },
  { method: 'GET', path: '/api/categories', allow: 'city.read' },
  { method: 'GET', path: '/api/departments', allow: 'city.read' },
  { method: 'GET', path: '/api/units', allow: 'city.read' },
  // Place search over the city's own names (roads, POIs, communities, towns) and grid codes.
  { method: 'GET', path: '/api/places', allow: 'city.read' },

  { method: 'GET', path: '/api/incidents', allow: 'live.read' },
  { method: 'GET', path: '/api/incidents/points', allow: 'live.read' },
  { method: 'GET', path: '/api/incidents/:id', allow: 'live.read' },
  { method: 'POST', path: '/api/incidents', allow: 'incident.report' },

  // Readers of the live picture see every case; a field account only its own team's (checked by the case service).
  // The board's counters (first: /api/cases/:id would match it too).
  { method: 'GET', path: '/api/cases/summary', allow: 'live.read' },
  // The leader's board (today's reports, closure rates, overdue, crews, worst town): counts only, so the wall reads it too.
  { method: 'GET', path: '/api/board/summary', allow: 'live.read' },
  // The units' applications waiting for the centre's decision (申请延期 / 挂账 / 回退).
  { method: 'GET', path: '/api/cases/applications', allow: 'case.supervise' },
  // A unit desk's queue: its own unit's cases (checked by the case service); any unit's for readers of the live picture.
  { method: 'GET', path: '/api/units/:code/cases', allow: 'signed-in' },
  { method: 'GET', path: '/api/cases/:id', allow: 'signed-in' },
  // The crews to send: a dispatcher's of every unit able, a unit desk's of its own (checked by the case service).
  { method: 'GET', path: '/api/cases/:id/candidates', allow: 'signed-in' },
  { method: 'GET', path: '/api/cases/:id/units', allow: 'case.dispatch' },
  { method: 'GET', path: '/api/dispatch/suggestions', allow: 'case.dispatch' },
  { method: 'GET', path: '/api/tasks', allow: 'task.handle' },
  // The on-duty inspectors' shared queue of 核实 and 核查 tasks (the 城管通 phone).
  { method: 'GET', path: '/api/inspect/tasks', allow: 'case.confirm' },
  // The drive to a task: its crew, or any reader of the live picture (checked by the case service).
  { method: 'GET', path: '/api/tasks/:id/route', allow: 'signed-in' },
  // Each action has its own permission (ACTION_RULES in shared/workflow/caseWorkflow.ts), checked by
  // the case service: a leader may urge, a field team acknowledge, a dispatcher dispatch.
  { method: 'POST', path: '/api/cases/:id/actions', allow: 'signed-in' },
  // Photos: the case service says who may add to or see which case.
  { method: 'POST', path: '/api/cases/:id/photos', allow: 'signed-in' },
  { method: 'GET', path: '/api/photos/:id', allow: 'signed-in' },
  { method: 'GET', path: '/api/teams', allow: 'live.read' },
  { method: 'POST', path: '/api/teams/positions', allow: 'position.report' },
  { method: 'GET', path: '/api/teams/:id/track', allow: 'live.read' },
  // Trackers, teams and inspectors alike. Reporting depends on the tracker named, not on the role alone
  // (an inspector itself, a crew its team, a gateway's token any): checked by the handler
  // (server/tracker/trackerAccess.ts), 403 not_your_tracker.
  { method: 'POST', path: '/api/trackers/positions', allow: 'signed-in' },
  { method: 'GET', path: '/api/trackers', allow: 'live.read' },
  { method: 'GET', path: '/api/trackers/:id/track', allow: 'live.read' },
  // Teams' working hours, kept by admins (the live picture shows each team's shift in GET /api/teams).
  { method: 'GET', path: '/api/teams/shifts', allow: 'team.manage' },
  { method: 'PUT', path: '/api/teams/:id/shift', allow: 'team.manage' },
  { method: 'DELETE', path: '/api/teams/:id/shift', allow: 'team.manage' },
  // Live road speeds: read with the live picture; reported by a traffic feed's token (the handler refuses sessions).
  { method: 'GET', path: '/api/roads/speeds', allow: 'live.read' },
  { method: 'POST', path: '/api/roads/speeds', allow: 'position.report' },
  // Congestion from those speeds: every road's speed ratio as one binary frame (the socket's roads:speeds
  // frames follow it), and the levels and areas' index today against last week.
  { method: 'GET', path: '/api/roads/speeds/frame', allow: 'live.read' },
  { method: 'GET', path: '/api/roads/congestion', allow: 'live.read' },
  // Cameras: their fields of view and states, read with the live picture; heartbeats from a camera
  // gateway's token (the handler refuses sessions).
  { method: 'GET', path: '/api/cameras', allow: 'live.read' },
  // Every cell's patrol and camera coverage as one binary frame; the socket's coverage:cells frames follow it.
  { method: 'GET', path: '/api/coverage/cells', allow: 'live.read' },
  // Blind spots (cells nobody patrols, watches or answers for), worst first, and each town's coverage now.
  { method: 'GET', path: '/api/blind-spots', allow: 'live.read' },
  { method: 'GET', path: '/api/coverage/towns', allow: 'live.read' },
  { method: 'GET', path: '/api/coverage/alerts', allow: 'live.read' },
  { method: 'GET', path: '/api/hotspots', allow: 'live.read' },
  { method: 'GET', path: '/api/hotspots/emerging', allow: 'live.read' },
  { method: 'POST', path: '/api/cameras/heartbeat', allow: 'position.report' },

  { method: 'GET', path: '/api/users', allow: 'user.manage' },
  { method: 'POST', path: '/api/users', allow: 'user.manage' },
  { method: 'PATCH', path: '/api/users/:username', allow: 'user.manage' },
  { method: 'GET', path: '/api/tokens', allow: 'token.manage' },
  { method: 'POST', path: '/api/tokens', allow: 'token.manage' },
  { method: 'DELETE', path: '/api/tokens/:id', allow: 'token.manage' },
  { method: 'GET', path: '/api/audit', allow: 'audit.read' },
  // Who holds a socket and how far behind it is (names of accounts: admins only).
  { method: 'GET', path: '/api/stream/sockets', allow: 'audit.read' },
  // The working calendar deadlines are counted against: read by anyone who reads the city, kept by admins.
  // Who answers for each cell (责任网格): staff names and the roster's load, read with the live picture
  // (walls, leaders, dispatchers, inspectors), not with city.read alone (a crew's or a unit desk's
  // phone sees no one's names). Kept by admins as city data (city.manage); accounts are user.manage's.
  { method: 'GET', path: '/api/responsibility/cells', allow: 'live.read' },
  { method: 'GET', path: '/api/responsibility/people', allow: 'live.read' },
  { method: 'GET', path: '/api/responsibility/gaps', allow: 'live.read' },
  { method: 'PUT', path: '/api/responsibility', allow: 'city.manage' },
  { method: 'GET', path: '/api/calendar', allow: 'city.read' },
  { method: 'PUT', path: '/api/calendar/:year', allow: 'settings.manage' },
  // Vacant lots and material yards (闲置地块, 堆物堆料): read with the live picture (their figures are
  // incident counts), kept by admins as city data.
  { method: 'GET', path: '/api/vacant-lots', allow: 'live.read' },
  { method: 'POST', path: '/api/vacant-lots/import', allow: 'city.manage' },
  { method: 'GET', path: '/api/vacant-lots/:id', allow: 'live.read' },
  { method: 'PUT', path: '/api/vacant-lots/:id', allow: 'city.manage' },
  // 综合评价: analytics.read reads every level; a wall (live.read only) the regions and units, not the
  // positions, which name people (checked by the handler, server/http/evaluation.ts).
  { method: 'GET', path: '/api/evaluation', allow: 'live.read' },
  { method: 'GET', path: '/api/evaluation/export', allow: 'live.read' },
  // The evaluation's facts digest, for checks against a fresh fold of the log: admins only.
  { method: 'GET', path: '/api/evaluation/facts', allow: 'audit.read' },
  // 通报 and the scheduled reports (周报, 月报): they name the worst towns and units and late cases, for
  // those who read the analytics (leaders, dispatchers, admins), not for walls.
  { method: 'GET', path: '/api/reports/notice', allow: 'analytics.read' },
  { method: 'GET', path: '/api/reports/notice/export', allow: 'analytics.read' },
  { method: 'GET', path: '/api/reports', allow: 'analytics.read' },
  { method: 'GET', path: '/api/reports/:id/download', allow: 'analytics.read' },
  // 考核规则: weights, the composite rule and grades read by whoever reads the rankings, kept by admins;
  // exclusions from assessment (不纳入考核) made and revoked by admins.
  { method: 'GET', path: '/api/evaluation/weights', allow: 'analytics.read' },
  { method: 'PUT', path: '/api/evaluation/weights', allow: 'evaluation.manage' },
  { method: 'GET', path: '/api/evaluation/exclusions', allow: 'analytics.read' },
  { method: 'POST', path: '/api/cases/:id/exclusion', allow: 'evaluation.manage' },
  { method: 'DELETE', path: '/api/cases/:id/exclusion', allow: 'evaluation.manage' },
  // Appeals (申诉): a unit desk files on its own cases and reads its own (checked by the service), the centre reads and decides.
  { method: 'POST', path: '/api/cases/:id/appeals', allow: 'evaluation.appeal' },
  { method: 'GET', path: '/api/appeals', allow: 'signed-in' },
  // A unit's recently closed cases, to appeal from its desk: its own unit only, or the centre's analytics readers (checked by the service).
  { method: 'GET', path: '/api/units/:code/closed', allow: 'signed-in' },
  { method: 'POST', path: '/api/appeals/:id/decision', allow: 'evaluation.decide' },
  // 专项整治: read with the live picture (the wall shows their progress), set and closed by leaders and admins.
  { method: 'GET', path: '/api/campaigns', allow: 'live.read' },
  { method: 'POST', path: '/api/campaigns', allow: 'campaign.manage' },
  { method: 'GET', path: '/api/campaigns/:id', allow: 'live.read' },
  { method: 'PATCH', path: '/api/campaigns/:id', allow: 'campaign.manage' },
  // 复盘 (after-action replay): a day's or a case's events and the crews' tracks, for leaders, admins and
  // dispatchers; who acted is named only for personal.read (checked by the handler, server/http/replay.ts).
  { method: 'GET', path: '/api/replay', allow: 'analytics.read' },
];

/**
 * Messages a client may send. What the server sends is not listed: it goes to the socket itself or
 * only to a room whose sockets may hear it (the live stream's audience rooms and `live-picture`:
 * live.read; `team:<teamId>`: the field accounts of that team, `task:changed`, ids and state only).
 */
export const SOCKET_RULES: Record<keyof ClientToServerEvents, Allow> = {
  subscribe: 'live.read',
};

const compiled = HTTP_RULES.map((rule) => ({ rule, test: match(rule.path, { decode: false }) }));

/** The rule for a request, or undefined when there is none (and the request is refused). HEAD is GET. */
export function ruleFor(method: string, path: string): HttpRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return compiled.find((c) => c.rule.method === m && c.test(path) !== false)?.rule;
}
