import type { CaseAction, ClosureKind, IncidentEvent, IncidentSource, IncidentStatus, Satisfaction } from '../../shared/index.js';
import type { LoggedDelta } from '../store/store.js';

/**
 * Each case reduced to what the evaluation's indicators need (who did which step, when, against which
 * deadline), folded from its events one at a time. The same fold serves the start (the whole log, as
 * the store keeps it) and the live stream (each committed event), so the two cannot disagree. Pure.
 */

/** The part of a logged change the facts read: the store's LoggedChange and a wire event both give it. */
export interface CaseChange {
  seq: number;
  kind: 'created' | 'status_changed' | 'case_action';
  at: number;
  action: { name: CaseAction; actor: string; role: string; application?: { kind: string }; decision?: 'approve' | 'deny' } | null;
  case: {
    id: string;
    status: IncidentStatus;
    townCode: string;
    communityCode: string;
    gridCode: string;
    categoryCode: string;
    lon: number;
    lat: number;
    source: IncidentSource;
    reportedAt: number;
    reportedBy: { name: string; role: string } | null;
    unitCode: string | null;
    deadlineAt: number | null;
    closeDeadlineAt: number | null;
    stageDeadlineAt: number | null;
    closedAt: number | null;
    closureKind: ClosureKind | null;
    callback: { reached: boolean; satisfaction: Satisfaction | null; at: number } | null;
  };
}

/** One step someone took: when, who (null for a status change with nobody on record), and whether within the stage's deadline. */
export interface Step {
  at: number;
  by: string | null;
  onTime: boolean;
}

/** A unit's turn with the case (处置): from the dispatch to it until it handled it or gave it back. */
export interface UnitStint {
  unitCode: string;
  dispatchedAt: number;
  /** The handling deadline (处置时限), moved by extensions. */
  deadlineAt: number | null;
  /** The last report of handling (after reworks, the one that stood); null while not handled. */
  handledAt: number | null;
  reworks: number;
  extensions: number;
  /** When the unit's turn ended without handling: the centre approved its return, or sent the case to another unit. */
  endedAt: number | null;
  /** Ended by the unit's approved application to return it (申请回退). */
  returned: boolean;
}

/** A dispatch to a unit (派遣): on time against the dispatch stage; misdirected when that unit gave it back. */
export interface Dispatch extends Step {
  /** Sent from the dispatch stage (registered), so judged against its clock; a transfer between units is not. */
  fromRegistered: boolean;
  misdirected: boolean;
}

export interface CaseFacts {
  id: string;
  /** The last event folded (a second delivery of an event is ignored). */
  seq: number;
  townCode: string;
  communityCode: string;
  gridCode: string;
  /** What and where, as reported (never changed after): the campaigns' measures read them. */
  categoryCode: string;
  lon: number;
  lat: number;
  source: IncidentSource;
  reportedAt: number;
  /** The inspector's account when an inspector reported it (上报). */
  reportedBy: string | null;
  /** Acceptance or rejection at intake (受理). */
  intake: (Step & { rejected: boolean }) | null;
  registered: Step | null;
  /** 结案时限, from registration. */
  closeDeadlineAt: number | null;
  closedAt: number | null;
  closureKind: ClosureKind | null;
  /** The shift lead's close action (结案), against the close stage's deadline. */
  close: Step | null;
  suspensions: { from: number; until: number | null }[];
  dispatches: Dispatch[];
  stints: UnitStint[];
  /** 核实 of public reports. */
  confirms: Step[];
  /** 核查 after handling: passed (verify) or sent back (rework). */
  verifications: (Step & { passed: boolean })[];
  callback: { reached: boolean; satisfaction: Satisfaction | null; at: number } | null;
  /** The state the next event starts from (which stage clock runs, which unit has it). */
  last: { status: IncidentStatus; stageDeadlineAt: number | null; unitCode: string | null; deadlineAt: number | null };
}

/** Where a history step logged only its status (nobody on record), the action it stands for. */
function impliedAction(from: IncidentStatus, to: IncidentStatus): CaseAction | null {
  if (from === to) return null;
  if (to === 'suspended') return 'suspend';
  if (from === 'suspended') return 'resume';
  const key = `${from}>${to}`;
  const implied: Record<string, CaseAction> = {
    'reported>accepted': 'accept',
    'reported>rejected': 'reject',
    'accepted>registered': 'register',
    'registered>dispatched': 'dispatch',
    'dispatched>handling': 'acknowledge',
    'handling>handled': 'report-handled',
    'handled>verified': 'verify',
    'handled>handling': 'rework',
    'verified>closed': 'close',
  };
  return implied[key] ?? null;
}

const within = (at: number, due: number | null) => due === null || at <= due;

/**
 * One string per actor: the log parses each event's actor afresh, and a few hundred people over a
 * million steps are otherwise a million strings to hold and to hash when the rows are grouped.
 */
const actors = new Map<string, string>();
function intern(actor: string): string {
  let s = actors.get(actor);
  if (s === undefined) actors.set(actor, (s = actor));
  return s;
}

function created(e: CaseChange): CaseFacts {
  const c = e.case;
  return {
    id: c.id, seq: e.seq, townCode: c.townCode, communityCode: c.communityCode, gridCode: c.gridCode,
    categoryCode: intern(c.categoryCode), lon: c.lon, lat: c.lat, source: c.source,
    reportedAt: c.reportedAt,
    reportedBy: c.reportedBy?.role === 'inspector' ? intern(c.reportedBy.name) : null,
    intake: null, registered: null, closeDeadlineAt: c.closeDeadlineAt, closedAt: c.closedAt, closureKind: c.closureKind, close: null,
    suspensions: [], dispatches: [], stints: [], confirms: [], verifications: [], callback: c.callback,
    last: { status: c.status, stageDeadlineAt: c.stageDeadlineAt, unitCode: c.unitCode, deadlineAt: c.deadlineAt },
  };
}

/**
 * Folds one event into a case's facts (creating them at its `created` event); returns the facts, or
 * undefined for an event of a case whose creation was never seen. Mutates `facts` in place: the
 * service holds about 100,000 of them and folds every committed event.
 */
export function foldChange(facts: CaseFacts | undefined, e: CaseChange): CaseFacts | undefined {
  if (!facts) return e.kind === 'created' ? created(e) : undefined;
  if (e.seq <= facts.seq) return facts;
  const c = e.case;
  const before = facts.last;
  const name = e.action?.name ?? impliedAction(before.status, c.status);
  const by = e.action ? intern(e.action.actor) : null;
  // The deadline of the stage the case was in when the step was taken. Steps are written as whole
  // literals (no spread), so that each kind keeps one shape and the aggregation's reads stay fast.
  const onTime = within(e.at, before.stageDeadlineAt);
  switch (name) {
    case 'accept':
    case 'reject':
      facts.intake = { at: e.at, by, onTime, rejected: c.status === 'rejected' };
      break;
    case 'register':
      facts.registered = { at: e.at, by, onTime };
      break;
    case 'confirm':
      facts.confirms.push({ at: e.at, by, onTime });
      break;
    case 'verify':
    case 'rework':
      facts.verifications.push({ at: e.at, by, onTime, passed: name === 'verify' });
      break;
    case 'close':
      facts.close = { at: e.at, by, onTime };
      break;
    default:
      break;
  }
  // A unit's turn follows the unit the case is with, whatever action moved it.
  const open = facts.stints.length > 0 ? facts.stints[facts.stints.length - 1]! : null;
  const current = open && open.endedAt === null && open.unitCode === before.unitCode ? open : null;
  if (c.unitCode !== before.unitCode) {
    if (current && current.handledAt === null) {
      current.endedAt = e.at;
      current.returned = name === 'decide' && c.unitCode === null;
      const d = facts.dispatches[facts.dispatches.length - 1];
      if (d) d.misdirected = true;
    }
    if (c.unitCode !== null) {
      facts.stints.push({ unitCode: c.unitCode, dispatchedAt: e.at, deadlineAt: c.deadlineAt, handledAt: null, reworks: 0, extensions: 0, endedAt: null, returned: false });
      facts.dispatches.push({ at: e.at, by, onTime, fromRegistered: before.status === 'registered', misdirected: false });
    }
  } else if (current) {
    if (c.deadlineAt !== before.deadlineAt && c.deadlineAt !== null && before.deadlineAt !== null && c.deadlineAt > before.deadlineAt) current.extensions += 1;
    current.deadlineAt = c.deadlineAt ?? current.deadlineAt;
    if (name === 'report-handled') current.handledAt = e.at;
    if (name === 'rework') {
      current.reworks += 1;
      current.handledAt = null;
    }
  }
  if (c.status === 'suspended' && before.status !== 'suspended') facts.suspensions.push({ from: e.at, until: null });
  if (c.status !== 'suspended' && before.status === 'suspended') {
    const s = facts.suspensions[facts.suspensions.length - 1];
    if (s) s.until = e.at;
  }
  facts.closeDeadlineAt = c.closeDeadlineAt;
  facts.closedAt = c.closedAt;
  facts.closureKind = c.closureKind;
  facts.callback = c.callback;
  facts.seq = e.seq;
  facts.last = { status: c.status, stageDeadlineAt: c.stageDeadlineAt, unitCode: c.unitCode, deadlineAt: c.deadlineAt };
  return facts;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** A committed wire event as a change the facts fold. */
export function changeOfEvent(e: IncidentEvent): CaseChange {
  const i = e.incident;
  return {
    seq: e.seq,
    kind: e.kind,
    at: Date.parse(e.at),
    action: e.action ? { name: e.action.name, actor: e.action.actor, role: e.action.role, ...(e.action.application ? { application: e.action.application } : {}), ...(e.action.decision ? { decision: e.action.decision } : {}) } : null,
    case: {
      id: i.id, status: i.status, townCode: i.townCode, communityCode: i.communityCode, gridCode: i.gridCode,
      categoryCode: i.categoryCode, lon: i.lon, lat: i.lat, source: i.source,
      reportedAt: Date.parse(i.reportedAt), reportedBy: i.reportedBy, unitCode: i.unitCode, deadlineAt: ms(i.deadlineAt),
      closeDeadlineAt: ms(i.closeDeadlineAt), stageDeadlineAt: ms(i.stageDeadlineAt), closedAt: ms(i.closedAt), closureKind: i.closureKind,
      callback: i.callback ? { reached: i.callback.reached, satisfaction: i.callback.satisfaction, at: Date.parse(i.callback.at) } : null,
    },
  };
}

/** A change to fill in place (changeOfDelta): the fold at start reads a million events and keeps none of them. */
export function scratchChange(): CaseChange {
  return {
    seq: 0, kind: 'created', at: 0, action: null,
    case: {
      id: '', status: 'reported', townCode: '', communityCode: '', gridCode: '', categoryCode: '', lon: 0, lat: 0, source: 'inspector', reportedAt: 0, reportedBy: null, unitCode: null,
      deadlineAt: null, closeDeadlineAt: null, stageDeadlineAt: null, closedAt: null, closureKind: null, callback: null,
    },
  };
}

/**
 * A logged delta as the change the facts fold, written into `into`. After `created` the case is the
 * facts' own state (they keep every field a change reads) with the delta's changes over it, so the
 * log need not be folded into whole cases first. `facts` are the case's facts (undefined at `created`).
 */
export function changeOfDelta(into: CaseChange, d: LoggedDelta, facts: CaseFacts | undefined): CaseChange {
  into.seq = d.seq;
  into.kind = d.kind;
  into.at = d.at;
  into.action = d.action;
  const c = into.case;
  const k = d.created;
  if (k) {
    c.id = k.id; c.status = k.status; c.townCode = k.townCode; c.communityCode = k.communityCode; c.gridCode = k.gridCode; c.source = k.source;
    c.categoryCode = k.categoryCode; c.lon = k.lon; c.lat = k.lat;
    c.reportedAt = k.reportedAt; c.reportedBy = k.reportedBy; c.unitCode = k.unitCode; c.deadlineAt = k.deadlineAt; c.closeDeadlineAt = k.closeDeadlineAt;
    c.stageDeadlineAt = k.stageDeadlineAt; c.closedAt = k.closedAt; c.closureKind = k.closureKind;
    c.callback = k.callback;
    return into;
  }
  if (!facts) return into;
  const p = d.changes ?? {};
  const last = facts.last;
  c.id = facts.id; c.townCode = facts.townCode; c.communityCode = facts.communityCode; c.gridCode = facts.gridCode; c.source = facts.source;
  c.categoryCode = facts.categoryCode; c.lon = facts.lon; c.lat = facts.lat;
  c.reportedAt = facts.reportedAt; c.reportedBy = null;
  c.status = p.status ?? last.status;
  c.unitCode = p.unitCode !== undefined ? p.unitCode : last.unitCode;
  c.deadlineAt = p.deadlineAt !== undefined ? p.deadlineAt : last.deadlineAt;
  c.stageDeadlineAt = p.stageDeadlineAt !== undefined ? p.stageDeadlineAt : last.stageDeadlineAt;
  c.closeDeadlineAt = p.closeDeadlineAt !== undefined ? p.closeDeadlineAt : facts.closeDeadlineAt;
  c.closedAt = p.closedAt !== undefined ? p.closedAt : facts.closedAt;
  c.closureKind = p.closureKind !== undefined ? p.closureKind : facts.closureKind;
  // The delta's own objects, fresh for each event: kept as they are, like the rest of the facts.
  c.callback = p.callback !== undefined ? p.callback : facts.callback;
  return into;
}

/** The fold's code (what makes a case's facts from its events), for a checkpoint to know the fold that made it. */
export const FOLD_CODE = [foldChange, created, impliedAction, changeOfDelta].map((f) => f.toString()).join('\n');

/** Whether a case stood suspended (挂账) at an instant: suspended cases are not counted as due. */
export function suspendedAt(f: CaseFacts, at: number): boolean {
  for (const s of f.suspensions) if (s.from <= at && (s.until === null || at < s.until)) return true;
  return false;
}
