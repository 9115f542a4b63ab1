import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Refusal } from '../refusal.js';
import { ruleFor } from './accessRules.js';
import type { AuthService } from './authService.js';
import { credentialKeys, may, type Principal } from './principal.js';

export const SESSION_COOKIE = 'gw_session';

/** Who made this request (set by `authenticate`), or null. */
export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}

/** The client's address as the audit log and the rate limits see it (behind a proxy: TRUST_PROXY). */
export function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

const bearerOf = (req: Request) => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
};

/**
 * Finds the principal of a request: an `Authorization: Bearer` API token, or else the session
 * cookie. A bearer that is not valid is refused outright (a machine should hear that its token is
 * bad); an unknown or expired cookie just means nobody is signed in, and is cleared.
 */
export function authenticate(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    const bearer = bearerOf(req);
    if (bearer !== null) {
      const principal = await auth.fromBearer(bearer);
      if (!principal) throw new Refusal(401, 'invalid_token', 'The API token is malformed, unknown or revoked.');
      res.locals.principal = principal;
      res.locals.via = 'bearer';
      return next();
    }
    const sessionId = req.headers.cookie ? parseCookies(req.headers.cookie)[SESSION_COOKIE] : undefined;
    if (sessionId) {
      const principal = await auth.fromSession(sessionId);
      if (principal) {
        res.locals.principal = principal;
        res.locals.via = 'cookie';
      } else {
        clearSessionCookie(req, res);
      }
    }
    next();
  };
}

/**
 * Applies the access rules (accessRules.ts) to every API request: no rule, no access; then 401 for
 * nobody signed in, 403 for a role without the permission.
 */
export function authorize(): RequestHandler {
  return (req, res, next) => {
    if (!req.path.startsWith('/api/')) return next();
    const rule = ruleFor(req.method, req.path);
    if (!rule) throw new Refusal(404, 'not_found', `No API route for ${req.method} ${req.path}.`);
    if (rule.allow === 'public') return next();
    const principal = principalOf(res);
    if (!principal) throw new Refusal(401, 'unauthenticated', 'Sign in first.');
    if (rule.allow !== 'signed-in' && !may(principal, rule.allow)) {
      throw new Refusal(403, 'forbidden', `The role ${principal.role} may not ${req.method} ${req.path}.`, { needs: rule.allow });
    }
    next();
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request forgery: a write carried by the session cookie must come from a page of this
 * server (its Origin, or Referer, names this host). SameSite=Strict already keeps the cookie off
 * cross-site requests; this is the second lock. Bearer-token requests carry no ambient credential,
 * and a sign-in from another site's page (login CSRF) is refused by its Origin.
 *
 * `publicUrl` (PUBLIC_URL, an origin): the address users open. When set, it is what the Origin must
 * be; the Host header, which the client names itself, is trusted only when it is not set.
 */
export function checkOrigin(publicUrl: string | null = null): RequestHandler {
  return (req, res, next) => {
    if (!UNSAFE.has(req.method) || !req.path.startsWith('/api/') || res.locals.via === 'bearer') return next();
    const expected = publicUrl ?? `${req.protocol}://${req.get('host')}`;
    const origin = req.get('origin') ?? (req.get('referer') ? safeOrigin(req.get('referer')!) : null);
    // Without a cookie there is no credential to abuse (signing in): refuse only a foreign page.
    if (res.locals.via !== 'cookie' && origin === null) return next();
    if (origin !== expected) {
      throw new Refusal(403, 'cross_origin', 'Writes with a session must come from this server\'s own pages.', { origin });
    }
    next();
  };
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Writes per principal (or address) and minute; a runaway gateway or script gets 429, not the database. */
export function limitWrites(perMinute: number): RequestHandler {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return async (req, res, next) => {
    if (!UNSAFE.has(req.method) || !req.path.startsWith('/api/')) return next();
    const principal = principalOf(res);
    const key = principal ? credentialKeys(principal)[0]! : `address:${addressOf(req)}`;
    try {
      await limiter.consume(key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      throw new Refusal(429, 'rate_limited', 'Too many writes; slow down.', { retryAfterSeconds: Math.ceil(e.msBeforeNext / 1000) });
    }
    next();
  };
}

export function setSessionCookie(req: Request, res: Response, sessionId: string, expiresAt: number): void {
  res.append(
    'Set-Cookie',
    serializeCookie(SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      expires: new Date(expiresAt),
    }),
  );
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: 0 }));
}
