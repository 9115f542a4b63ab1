import { MeResponse, type SessionUser } from '../../shared/index.js';

/**
 * The server's authentication endpoints (`/api/auth/*`). The session itself is an HttpOnly cookie
 * the browser keeps and sends; this page never sees it, only who it belongs to.
 */

/** Why a sign-in did not succeed, as much as the page needs to tell the user. */
export type SignInFailure =
  /** 400/401: bad credentials, a bad or revoked token, a malformed request (`code` from the server). */
  | { kind: 'rejected'; status: number; code: string }
  /** 429: locked out for a while; `retryAfterSeconds` from Retry-After, null when absent. */
  | { kind: 'throttled'; retryAfterSeconds: number | null }
  /** The request never got an answer. */
  | { kind: 'network' }
  /** Any other answer (5xx, a proxy's error page, a body that is not a user). */
  | { kind: 'server'; status: number };

export type SignInResult = { ok: true; user: SessionUser } | { ok: false; failure: SignInFailure };

/** Who the session cookie belongs to: a user, nobody, or unknown for now (no answer, 5xx). */
export type CurrentUser = { kind: 'signed-in'; user: SessionUser } | { kind: 'signed-out' } | { kind: 'unavailable' };

/**
 * A logout still on its way. A sign-in waits for it: the logout's answer clears the cookie, and
 * arriving after the sign-in's answer it would clear the new session's cookie instead.
 */
let loggingOut: Promise<void> | null = null;

export async function fetchCurrentUser(): Promise<CurrentUser> {
  let res: Response;
  try {
    res = await fetch('/api/auth/me', { cache: 'no-store' });
  } catch {
    return { kind: 'unavailable' };
  }
  if (res.status === 401) return { kind: 'signed-out' };
  if (!res.ok) return { kind: 'unavailable' };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { kind: 'unavailable' };
  }
  const parsed = MeResponse.safeParse(body);
  if (!parsed.success) return { kind: 'unavailable' };
  return parsed.data.user ? { kind: 'signed-in', user: parsed.data.user } : { kind: 'signed-out' };
}

/** `POST /api/auth/login`: on success the server has set the session cookie. */
export async function signInWithPassword(username: string, password: string): Promise<SignInResult> {
  await loggingOut;
  return answerOf(() =>
    fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
      cache: 'no-store',
    }),
  );
}

/** `POST /api/auth/kiosk`: a wall display trades its API token for a session cookie. */
export async function signInWithDisplayToken(token: string): Promise<SignInResult> {
  await loggingOut;
  return answerOf(() => fetch('/api/auth/kiosk', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' }));
}

/** `POST /api/auth/logout`, best effort: the page is signed out whatever the answer. */
export function signOutOfServer(): Promise<void> {
  const done = fetch('/api/auth/logout', { method: 'POST', cache: 'no-store' }).then(
    () => undefined,
    () => undefined,
  );
  loggingOut = done;
  void done.then(() => {
    if (loggingOut === done) loggingOut = null;
  });
  return done;
}

async function answerOf(send: () => Promise<Response>): Promise<SignInResult> {
  let res: Response;
  try {
    res = await send();
  } catch {
    return { ok: false, failure: { kind: 'network' } };
  }
  if (res.ok) {
    const user = await userOf(res);
    return user ? { ok: true, user } : { ok: false, failure: { kind: 'server', status: res.status } };
  }
  if (res.status === 429) return { ok: false, failure: { kind: 'throttled', retryAfterSeconds: retryAfterSeconds(res.headers.get('Retry-After')) } };
  if (res.status === 400 || res.status === 401) return { ok: false, failure: { kind: 'rejected', status: res.status, code: await errorCodeOf(res) } };
  return { ok: false, failure: { kind: 'server', status: res.status } };
}

async function userOf(res: Response): Promise<SessionUser | null> {
  try {
    const parsed = MeResponse.safeParse(await res.json());
    return parsed.success ? parsed.data.user : null;
  } catch {
    return null;
  }
}

async function errorCodeOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : '';
  } catch {
    return '';
  }
}

/** Retry-After in whole seconds (at least 1): either delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}
