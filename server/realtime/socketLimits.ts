import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, HandshakeRefusal, ServerToClientEvents } from '../../shared/index.js';
import type { Logger } from '../log.js';
import { socketPrincipal } from './socketAuth.js';

type GwServer = Server<ClientToServerEvents, ServerToClientEvents>;
type GwSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface SocketLimits {
  /** Open sockets one signed-in session may hold (its browser tabs). */
  perSession: number;
  /** Open sockets one API token may hold, its kiosk sessions included. */
  perToken: number;
  /** Messages one socket may send in `messageWindowMs`; more are refused with `rate_limited`. */
  messagesPerWindow?: number;
  messageWindowMs?: number;
}

/** A handshake refusal the client can read (`connect_error`: `err.message`, `err.data`). */
function refusal(code: HandshakeRefusal, message: string, details: Record<string, unknown>): Error {
  return Object.assign(new Error(code), { data: { code, message, ...details } });
}

/**
 * Bounds what one credential and one socket may take: sockets per session and per token are counted
 * from the moment a handshake is admitted (so parallel handshakes cannot all slip under the limit),
 * and released when the socket or its connection closes, whichever comes first. A socket that sends
 * more messages than a client ever needs (a subscribe per connection, a few on reconnects) is refused
 * the excess, and dropped if it keeps on.
 *
 * Must be installed after `secureSockets`, whose handshake check names the principal counted here.
 */
export function limitSockets(io: GwServer, limits: SocketLimits, log: Logger): void {
  const open = new Map<string, number>();
  const messagesPerWindow = limits.messagesPerWindow ?? 30;
  const windowMs = limits.messageWindowMs ?? 10_000;

  io.use((socket, next) => {
    const p = socketPrincipal(socket);
    if (!p) return next(refusal('unauthenticated', 'Sign in first.', {}));
    const keys: [string, number][] = [];
    if (p.sessionHash) keys.push([`session:${p.sessionHash}`, limits.perSession]);
    if (p.tokenId) keys.push([`token:${p.tokenId}`, limits.perToken]);
    for (const [key, limit] of keys) {
      if ((open.get(key) ?? 0) >= limit) {
        log.warn({ who: p.name, key: key.split(':')[0], limit }, 'socket refused: too many sockets');
        return next(
          refusal('too_many_sockets', `This ${key.startsWith('session') ? 'session' : 'token'} already holds ${limit} open connections; close one or try again later.`, { limit }),
        );
      }
    }
    for (const [key] of keys) open.set(key, (open.get(key) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const [key] of keys) {
        const n = (open.get(key) ?? 1) - 1;
        if (n > 0) open.set(key, n);
        else open.delete(key);
      }
    };
    // The connection may close before the socket connects (then there is no 'disconnect').
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    next();
  });

  // Ahead of the other connection handlers, so that a flood is cut before each message is revalidated.
  io.sockets.prependListener('connection', (socket: GwSocket) => {
    let windowStart = Date.now();
    let count = 0;
    let warned = false;
    socket.use((_packet, next) => {
      const now = Date.now();
      if (now - windowStart >= windowMs) {
        windowStart = now;
        count = 0;
        warned = false;
      }
      count += 1;
      if (count <= messagesPerWindow) return next();
      if (count > messagesPerWindow * 10) {
        log.warn({ socket: socket.id, count }, 'socket dropped: message flood');
        socket.disconnect(true);
        return;
      }
      if (!warned) {
        warned = true;
        socket.emit('stream:error', { code: 'rate_limited', message: `More than ${messagesPerWindow} messages in ${windowMs / 1000} s; the rest are ignored.` });
      }
    });
  });
}
