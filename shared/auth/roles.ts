import type { Permission, Role } from '../schema/auth.js';

/**
 * Who may do what. Roles follow the positions of GB/T 30428: `inspector` is the supervisor (监督员),
 * `dispatcher` covers the acceptor (受理员), shift leader (值班长) and dispatcher (派遣员) of a small
 * command center, `unit` is the desk of a unit responsible (责任单位: a department or a town) that
 * receives the centre's dispatches and sends its own crews (二级派遣), `field` is a crew's staff (处置人员). Permissions are fine-grained so
 * that a city which splits those positions can give each its own role by editing this one table.
 */
export const ROLES = ['admin', 'leader', 'dispatcher', 'inspector', 'field', 'wall', 'unit'] as const;

export const PERMISSIONS = [
  /** The live picture: incidents, density, the stream. */
  'live.read',
  /** The city's layers, the catalog, settings needed to draw the map. */
  'city.read',
  /** Reporters' names and phone numbers (personal data). */
  'personal.read',
  /** Report a new incident (上报). */
  'incident.report',
  /** Intake: accept or reject a report (受理 / 不予受理). */
  'case.accept',
  /** Register a case (立案). */
  'case.register',
  /** Dispatch and reassign (派遣). */
  'case.dispatch',
  /** A unit's desk: send one of its own crews to a case dispatched to the unit (二级派遣). */
  'case.assign',
  /** A unit's desk: apply to the centre for an extension, a suspension or a return (申请延期 / 挂账 / 回退). */
  'case.apply',
  /** Check in the field that a public report is real before it is registered (核实). */
  'case.confirm',
  /** Approve extensions, suspend (延期审批, 挂账). */
  'case.supervise',
  /** Close a case (结案). */
  'case.close',
  /** Verify a handled case in the field (核查). */
  'case.verify',
  /** Urge a case (督办). */
  'case.urge',
  /** Write a leader's instruction on a case (批示): a note the unit and crew are told of; changes no state. */
  'case.instruct',
  /** Call a public reporter back after closure and record the answer (回访). */
  'case.callback',
  /** Act on the tasks assigned to one's own team: acknowledge, arrive, report handled, send back. */
  'task.handle',
  /** Turn a wall display's API token into a kiosk session (the display's own link). */
  'kiosk.open',
  /** Report team positions (a GPS gateway's token, a field phone). */
  'position.report',
  /** Rankings and trends of towns and departments. */
  'analytics.read',
  /** Set, change and close campaigns (专项整治): a leader's initiative, an admin's upkeep. */
  'campaign.manage',
  /** Keep the evaluation's rules (weights, grades) and exclude cases from assessment (不纳入考核). */
  'evaluation.manage',
  /** A unit's desk: appeal a judgement on its own case (申诉). */
  'evaluation.appeal',
  /** Uphold or reject a unit's appeal (申诉裁定): the centre. */
  'evaluation.decide',
  'user.manage',
  'token.manage',
  'team.manage',
  'city.manage',
  'settings.manage',
  'audit.read',
] as const;

const READ: Permission[] = ['live.read', 'city.read'];

/** The one table of role → permissions. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [...READ, 'personal.read', 'analytics.read', 'campaign.manage', 'evaluation.manage', 'user.manage', 'token.manage', 'team.manage', 'city.manage', 'settings.manage', 'audit.read'],
  leader: [...READ, 'analytics.read', 'campaign.manage', 'evaluation.decide', 'case.urge', 'case.instruct'],
  dispatcher: [...READ, 'personal.read', 'analytics.read', 'evaluation.decide', 'incident.report', 'case.accept', 'case.register', 'case.dispatch', 'case.supervise', 'case.verify', 'case.close', 'case.callback', 'case.confirm'],
  inspector: [...READ, 'incident.report', 'case.verify', 'case.confirm', 'position.report'],
  field: ['city.read', 'task.handle', 'position.report'],
  wall: [...READ, 'kiosk.open'],
  // No live.read: a unit sees only the cases dispatched to it (scoped reads, its own socket room).
  unit: ['city.read', 'case.assign', 'case.apply', 'evaluation.appeal', 'task.handle'],
};

export function roleMay(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
