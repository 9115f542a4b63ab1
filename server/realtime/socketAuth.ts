import { parse as parseCookies } from 'cookie';
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SessionEndedMessage } from '../../shared/index.js';
import { SOCKET_RULES } from '../auth/accessRules.js';
import type { AuthService } from '../auth/authService.js';
import { SESSION_COOKIE } from '../auth/httpAuth.js';
import { credentialKeys, may, type Principal } from '../auth/principal.js';
import type { Logger } from '../log.js';

type GwServer = Server<ClientToServerEvents, ServerToClientEvents>;
type GwSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** The principal a socket was admitted as (kept current by revalidation). */
export function socketPrincipal(socket: GwSocket): Principal | null {
  return ((socket.data as { principal?: Principal }).principal) ?? null;
}

const MESSAGES: Record<SessionEndedMessage['code'], string> = {
  logged_out: 'Signed out.',
  session_expired: 'The session has expired; sign in again.',
  revoked: 'The API token was revoked.',
  account_changed: 'The account was changed by an administrator; sign in again.',
};

/**
 * Socket.IO's side of authentication and authorization: the handshake carries the session cookie
 * (browsers) or an API token (`auth: {token}` or an Authorization header); every message is checked
 * against SOCKET_RULES with the principal revalidated, and a socket whose session ends, whose token is
 * revoked or whose account changes is told so and closed at once, not at its next message.
 */
export function secureSockets(
  io: GwServer,
  auth: AuthService,
  log: Logger,
  /** publicUrl: PUBLIC_URL (an origin), what a cookie handshake's Origin must be; null: the Host it names. */
  { publicUrl = null, revalidateEveryMs = 15_000 }: { publicUrl?: string | null; revalidateEveryMs?: number } = {},
): { stop(): void } {
  const byCredential = new Map<string, Set<GwSocket>>();

  const end = (socket: GwSocket, code: SessionEndedMessage['code']) => {
    if (socket.disconnected) return;
    socket.emit('session:ended', { code, message: MESSAGES[code] });
    socket.disconnect(true);
  };

  io.use((socket, next) => {
    void (async () => {
      const h = socket.handshake;
      const bearer = (h.auth as { token?: unknown }).token ?? h.headers.authorization?.replace(/^Bearer /, '');
      let principal: Principal | null = null;
      if (typeof bearer === 'string' && bearer.length > 0) {
        principal = await auth.fromBearer(bearer);
      } else {
        const sessionId = h.headers.cookie ? parseCookies(h.headers.cookie)[SESSION_COOKIE] : undefined;
        if (sessionId) {
          // A cookie rides along with any page's request: only this server's own pages may use it.
          const origin = h.headers.origin;
          if (origin && origin !== (publicUrl ?? `${h.secure ? 'https' : 'http'}://${h.headers.host}`)) return next(new Error('cross_origin'));
          principal = await auth.fromSession(sessionId);
        }
      }
      if (!principal) return next(new Error('unauthenticated'));
      (socket.data as { principal: Principal }).principal = principal;
      next();
    })().catch((err: unknown) => {
      log.error({ err }, 'socket authentication failed');
      next(new Error('internal'));
    });
  });

  io.on('connection', (socket) => {
    const keys = credentialKeys(socketPrincipal(socket)!);
    for (const k of keys) {
      if (!byCredential.has(k)) byCredential.set(k, new Set());
      byCredential.get(k)!.add(socket);
    }
    socket.on('disconnect', () => {
      for (const k of keys) {
        const set = byCredential.get(k);
        set?.delete(socket);
        if (set?.size === 0) byCredential.delete(k);
      }
    });
    socket.use(([event], next) => {
      void (async () => {
        const rule = SOCKET_RULES[event as keyof ClientToServerEvents] as (typeof SOCKET_RULES)[keyof ClientToServerEvents] | undefined;
        const current = await auth.revalidate(socketPrincipal(socket)!);
        if (!current) return end(socket, 'session_expired');
        (socket.data as { principal: Principal }).principal = current;
        if (!rule || (rule !== 'public' && rule !== 'signed-in' && !may(current, rule))) {
          socket.emit('stream:error', { code: 'forbidden', message: `The role ${current.role} may not send ${event}.` });
          return;
        }
        next();
      })().catch((err: unknown) => {
        log.error({ err }, 'socket message check failed');
      });
    });
  });

  auth.onCredentialsEnded((keys, reason) => {
    for (const k of keys) for (const socket of byCredential.get(k) ?? []) end(socket, reason);
  });

  // Sessions also end by expiring, which nothing announces: look at every open socket now and then.
  const timer = setInterval(() => {
    void (async () => {
      for (const socket of io.sockets.sockets.values()) {
        const p = socketPrincipal(socket);
        if (p && !(await auth.revalidate(p))) end(socket, 'session_expired');
      }
      await auth.sweepExpiredSessions();
    })().catch((err: unknown) => log.error({ err }, 'socket revalidation failed'));
  }, revalidateEveryMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
