import type { Role } from '../../shared/index.js';

/**
 * Test servers start with authentication on, like production. Each one gets a dispatcher API token
 * when it starts (see server.ts); the API helpers send it to that server's origin unless a test
 * passes other credentials, so tests that are not about authentication read as before.
 */
const tokens = new Map<string, string>();

export const ADMIN_PASSWORD = 'test-admin-password';

export function rememberToken(url: string, token: string): void {
  tokens.set(new URL(url).origin, token);
}

export function tokenFor(url: string): string | undefined {
  return tokens.get(new URL(url).origin);
}

/** Credentials a request may carry: a bearer token, a session cookie, or none (`null`). */
export type Credentials = { token: string } | { cookie: string } | null;

/** Request headers for the given credentials; by default the server's own test token. */
export function authHeaders(url: string, credentials?: Credentials): Record<string, string> {
  if (credentials === null) return {};
  if (credentials && 'cookie' in credentials) return { cookie: credentials.cookie, origin: new URL(url).origin };
  const token = credentials?.token ?? tokenFor(url);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Signs in with a password; resolves with the session cookie (name=value). */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${new URL(url).origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(url).origin },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** An API token of a role, created by the admin. */
export async function createToken(url: string, adminCookie: string, role: Role, name = `test-${role}`): Promise<string> {
  const origin = new URL(url).origin;
  const res = await fetch(`${origin}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: adminCookie, origin },
    body: JSON.stringify({ name, role }),
  });
  if (res.status !== 201) throw new Error(`creating a ${role} token failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A user of a role, created by the admin; resolves with the session cookie of that user. */
export async function createUser(
  url: string,
  adminCookie: string,
  username: string,
  role: Role,
  password = `${username}-password`,
  teamId?: string,
  unitCode?: string,
): Promise<string> {
  const origin = new URL(url).origin;
  const res = await fetch(`${origin}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: adminCookie, origin },
    // A field account belongs to a team, the default city's first team unless told otherwise; a unit
    // desk account to a unit, the sanitation department unless told otherwise.
    body: JSON.stringify({
      username, role, password, teamId: teamId ?? (role === 'field' ? 'team-1' : undefined), unitCode: unitCode ?? (role === 'unit' ? 'huanwei' : undefined),
    }),
  });
  if (res.status !== 201) throw new Error(`creating user ${username} failed: ${res.status} ${await res.text()}`);
  return signIn(url, username, password);
}
