import { z } from 'zod';
import { IncidentEvent } from './incident.js';

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

export const SocketErrorMessage = z.object({ code: z.string(), message: z.string() });
export type SocketErrorMessage = z.infer<typeof SocketErrorMessage>;

/**
 * Sent just before the server closes a socket whose session or token stopped being valid (logout,
 * expiry, revocation, a changed account): the client should return to the login page.
 */
export const SessionEndedMessage = z.object({ code: z.enum(['logged_out', 'session_expired', 'revoked', 'account_changed']), message: z.string() });
export type SessionEndedMessage = z.infer<typeof SessionEndedMessage>;

export interface ServerToClientEvents {
  'session:ended': (msg: SessionEndedMessage) => void;
  hello: (msg: HelloMessage) => void;
  'incident:events': (msg: IncidentEventsMessage) => void;
  'stream:live': (msg: LiveMessage) => void;
  'stream:error': (msg: SocketErrorMessage) => void;
}

export interface ClientToServerEvents {
  subscribe: (msg: SubscribeMessage) => void;
}
