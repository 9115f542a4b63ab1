import { z } from 'zod';
import { CaseStage } from '../workflow/caseStages.js';
import { CaseAction } from '../workflow/caseWorkflow.js';
import { IncidentEvent, IncidentStatus } from './incident.js';
import { TeamStatus } from './team.js';

/**
 * The Socket.IO protocol, defined once. Client → server messages are validated on arrival;
 * server → client messages are typed through these schemas on both sides.
 */
export const SubscribeMessage = z.object({ sinceSeq: z.number().int().nonnegative() }).strict();
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;

/** Sent once on connect, before any subscription. */
export const HelloMessage = z.object({ headSeq: z.number().int().nonnegative(), serverTime: z.string() });
export type HelloMessage = z.infer<typeof HelloMessage>;

/** A batch of consecutive events from the log, in sequence order. */
export const IncidentEventsMessage = z.object({ events: z.array(IncidentEvent).min(1) });
export type IncidentEventsMessage = z.infer<typeof IncidentEventsMessage>;

/** Sent when a replay has reached the head of the log: from here on the client is live. */
export const LiveMessage = z.object({ headSeq: z.number().int().nonnegative() });
export type LiveMessage = z.infer<typeof LiveMessage>;

/**
 * Why the server refused a message or stopped a stream:
 * - `invalid_request`, `forbidden`, `rate_limited`: that message was refused; the stream goes on.
 * - `seq_ahead`: the client holds events this server never wrote (a reset database): reload.
 * - `resync_required`: the socket fell too far behind (it held more unread data than the server keeps
 *   for one client, or a replay failed); the server closes it right after. Take a fresh snapshot, then
 *   subscribe from the seq it was read at.
 */
export const StreamErrorCode = z.enum(['invalid_request', 'forbidden', 'rate_limited', 'seq_ahead', 'resync_required']);
export type StreamErrorCode = z.infer<typeof StreamErrorCode>;
export const SocketErrorMessage = z.object({ code: StreamErrorCode, message: z.string() });
export type SocketErrorMessage = z.infer<typeof SocketErrorMessage>;

/**
 * Sent just before the server closes a socket whose session or token stopped being valid (logout,
 * expiry, revocation, a changed account): the client should return to the login page.
 */
export const SessionEndedMessage = z.object({ code: z.enum(['logged_out', 'session_expired', 'revoked', 'account_changed']), message: z.string() });
export type SessionEndedMessage = z.infer<typeof SessionEndedMessage>;

/**
 * Where every team is, batched: one message a few times a minute for all teams, as compact rows
 * `[teamId, lon, lat, status, caseId | null]` (status: available, en_route, on_site, off_duty,
 * offline). Sent to every socket that may read the live picture, from its connection on.
 */
export const TeamPositionsMessage = z.object({
  at: z.string(),
  teams: z.array(z.tuple([z.string(), z.number(), z.number(), TeamStatus, z.string().nullable()])),
});
export type TeamPositionsMessage = z.infer<typeof TeamPositionsMessage>;

/**
 * A case went past a deadline just now (pushed to dispatchers and walls at that moment): the handling
 * deadline (`stage: 'handle'`), or the limit of the stage it is in (accept, register, dispatch, verify, close).
 */
export const CaseOverdueMessage = z.object({
  caseId: z.string(),
  /** The stage the case is in. */
  stage: CaseStage,
  /** Which clock ran out: the unit's handling deadline, the stage's own, or the case's closure deadline. */
  clock: z.enum(['handling', 'stage', 'closure']),
  deadlineAt: z.string(),
  townCode: z.string(),
  categoryCode: z.string(),
});
export type CaseOverdueMessage = z.infer<typeof CaseOverdueMessage>;

/**
 * A town whose cells go unpatrolled (raised: more than 15 % of its cells past twice their patrol
 * interval), or back under control (cleared: under 10 %), with the responsibility grids most behind.
 */
export const CoverageAlertMessage = z.object({
  townCode: z.string(),
  state: z.enum(['raised', 'cleared']),
  overdueCells: z.number().int().nonnegative(),
  cells: z.number().int().positive(),
  worstGrids: z.array(z.object({ responsibilityGridCode: z.string(), overdueCells: z.number().int().positive() })),
  at: z.string(),
});
export type CoverageAlertMessage = z.infer<typeof CoverageAlertMessage>;

/**
 * Cameras gone silent past the silent time (out of the coverage at once) or heard from again, with
 * how many are silent now: one message per change, however many cameras it takes.
 */
export const CameraAlertMessage = z.object({
  down: z.array(z.string()),
  up: z.array(z.string()),
  /** Cameras silent after this change, of all. */
  silent: z.number().int().nonnegative(),
  cameras: z.number().int().nonnegative(),
  /** Cells whose camera share changed. */
  cells: z.number().int().nonnegative(),
  at: z.string(),
});
export type CameraAlertMessage = z.infer<typeof CameraAlertMessage>;

/**
 * Handshake refusals: the `message` of the `connect_error` a client receives. `unauthenticated` and
 * `cross_origin` end the session; `too_many_sockets` (the session or token already holds as many
 * sockets as it may, STREAM_MAX_SOCKETS_PER_SESSION / _PER_TOKEN) is worth retrying later.
 */
export const HandshakeRefusal = z.enum(['unauthenticated', 'cross_origin', 'too_many_sockets', 'internal']);
export type HandshakeRefusal = z.infer<typeof HandshakeRefusal>;

export interface ServerToClientEvents {
  'team:positions': (msg: TeamPositionsMessage) => void;
  'case:overdue': (msg: CaseOverdueMessage) => void;
  'task:changed': (msg: TaskChangedMessage) => void;
  /** The cells whose coverage changed, as one binary frame (shared/coverage/cellFrame.ts), to the live picture. */
  'coverage:cells': (frame: ArrayBuffer) => void;
  /** The roads whose speed ratio byte changed, as one binary frame (shared/traffic/speedFrame.ts), to the live picture. */
  'roads:speeds': (frame: ArrayBuffer) => void;
  'coverage:alert': (msg: CoverageAlertMessage) => void;
  'camera:alert': (msg: CameraAlertMessage) => void;
  'session:ended': (msg: SessionEndedMessage) => void;
  hello: (msg: HelloMessage) => void;
  'incident:events': (msg: IncidentEventsMessage) => void;
  'stream:live': (msg: LiveMessage) => void;
  'stream:error': (msg: SocketErrorMessage) => void;
}

export interface ClientToServerEvents {
  subscribe: (msg: SubscribeMessage) => void;
}

/**
 * A case of a field team changed (dispatched to it, reassigned away, returned, reworked, urged,
 * extended, closed, …): sent to the room of that team (`team:<teamId>`, every socket of a field
 * account of the team), and to the old team's room when the case is taken from it. Ids and state
 * only, never the report or the reporter: the phone reads its tasks again (`GET /api/tasks`).
 * `teamId` is the team the case belongs to now (null once returned); `action` the workflow action
 * that changed it, null for other changes.
 */
export const TaskChangedMessage = z.object({
  caseId: z.string(),
  teamId: z.string().nullable(),
  /** The unit it is dispatched to (a unit desk's room hears of its cases). */
  unitCode: z.string().nullable(),
  status: IncidentStatus,
  version: z.number().int().positive(),
  action: CaseAction.nullable(),
});
export type TaskChangedMessage = z.infer<typeof TaskChangedMessage>;

/**
 * One open socket as the stream sees it (`GET /api/stream/sockets`, admins): whose it is, where its
 * subscription stands, and what the server holds for it, so that an operator can see which wall or
 * console lags or has stopped reading.
 */
export const StreamSocketView = z.object({
  id: z.string(),
  /** The account's username or the token's name. */
  who: z.string(),
  role: z.string(),
  transport: z.string(),
  /** null before the socket has subscribed. */
  state: z.enum(['replaying', 'waiting', 'live']).nullable(),
  /** The last seq sent to it (or that it said it holds); null before it subscribed. */
  cursor: z.number().int().nonnegative().nullable(),
  /** Bytes queued for it and not yet taken by the network. */
  bufferedBytes: z.number().int().nonnegative(),
});
export type StreamSocketView = z.infer<typeof StreamSocketView>;
export const StreamSocketsAnswer = z.object({ headSeq: z.number().int().nonnegative(), sockets: z.array(StreamSocketView) });
export type StreamSocketsAnswer = z.infer<typeof StreamSocketsAnswer>;
