import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Session ids and API token secrets are 256-bit random values. Only their SHA-256 is stored: they
 * are too long to guess, so a fast hash suffices, and a copy of the database opens nothing.
 */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** API tokens read `gw_<id>_<secret>`: the id finds the row, the secret proves possession. */
const TOKEN = /^gw_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function newApiToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = newSecret();
  return { id, secret, token: `gw_${id}_${secret}` };
}

export function parseApiToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}
