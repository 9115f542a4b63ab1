import type { Permission, Role } from '../../shared/index.js';
import { roleMay } from '../../shared/index.js';

/**
 * Who is making a request or holding a socket: a signed-in user, or a machine's API token (directly
 * by bearer, or through a kiosk session opened with it).
 */
export interface Principal {
  kind: 'user' | 'token';
  /** Username, or the token's name: what the audit log records. */
  name: string;
  displayName: string;
  role: Role;
  userId: number | null;
  tokenId: string | null;
  /** The team of a field account; null for everyone else. */
  teamId: string | null;
  /** The unit of a unit desk account; null for everyone else. */
  unitCode: string | null;
  /** The session it came through (cookie), null for a bearer token. */
  sessionHash: string | null;
}

export function may(p: Principal | null | undefined, permission: Permission): boolean {
  return !!p && roleMay(p.role, permission);
}

/** How the credentials behind a principal are named, so that ending them can find its sockets. */
export function credentialKeys(p: Principal): string[] {
  const keys: string[] = [];
  if (p.sessionHash) keys.push(`session:${p.sessionHash}`);
  if (p.userId !== null) keys.push(`user:${p.userId}`);
  if (p.tokenId !== null) keys.push(`token:${p.tokenId}`);
  return keys;
}
