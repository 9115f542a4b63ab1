import type { TFunction } from 'i18next';
import { ApiError } from '../cases/caseApi.js';

/**
 * A refused request in the user's words. The server answers `{error: {code, message, details?}}`
 * with an English message for developers and logs; people read `refusal.<code>` in their language,
 * a validation failure names its fields (`refusal.fields.<name>`, else the path), a code the client
 * does not know yet shows the server's message with the code (so it can still be reported), and no
 * answer or a server failure asks to try again. Pure apart from `t`.
 */

/** What a refusal carries: an ApiError, or a code kept from one (an outbox entry). */
export interface RefusalLike {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

export interface RefusalOptions {
  /**
   * A page's own texts for some codes, looked up first (`calendar.errors`): they may say more
   * than the general one (which form, which rule).
   */
  scope?: string;
}

// i18next answers a missing key with its defaultValue: a string no translation holds tells the two apart.
const MISSING = '\u0000missing';

function lookup(t: TFunction, key: string, options?: Record<string, unknown>): string | null {
  const text = t(key, { ...options, defaultValue: MISSING });
  return typeof text === 'string' && text !== MISSING ? text : null;
}

function isRefusalLike(err: unknown): err is RefusalLike {
  if (err instanceof ApiError) return true;
  const e = err as Partial<RefusalLike> | null;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.status === 'number';
}

interface Tree {
  errors?: unknown[];
  properties?: Record<string, Tree>;
  items?: (Tree | null | undefined)[];
}

/**
 * The paths a validation failure names, in order: from zod's tree (`z.treeifyError`: properties and
 * items, a node with errors being a failed field) or from a list of issues (`{issues: [{path}]}`,
 * path a dotted string or an array).
 */
export function failedPaths(details: unknown): string[][] {
  const out: string[][] = [];
  const d = details as { issues?: unknown; errors?: unknown; properties?: unknown } | null;
  if (typeof d !== 'object' || d === null) return out;
  if (Array.isArray(d.issues)) {
    for (const issue of d.issues as { path?: unknown }[]) {
      const p = issue?.path;
      if (Array.isArray(p)) out.push(p.map(String));
      else if (typeof p === 'string' && p !== '') out.push(p.split('.'));
    }
    return out;
  }
  const walk = (node: Tree | null | undefined, path: string[]) => {
    if (!node || typeof node !== 'object') return;
    if (path.length > 0 && Array.isArray(node.errors) && node.errors.length > 0) out.push(path);
    for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, [...path, k]);
    (node.items ?? []).forEach((child, i) => walk(child, [...path, String(i)]));
  };
  walk(d as Tree, []);
  return out;
}

/** A field's name in the user's language: the label of its nearest named segment, else its path. */
function fieldLabel(t: TFunction, path: readonly string[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i]!;
    if (/^\d+$/.test(segment)) continue;
    const label = lookup(t, `refusal.fields.${segment}`);
    if (label !== null) return label;
  }
  return path.join('.');
}

/** The names of the fields a validation failure names, each once, in order. */
export function failedFieldNames(details: unknown, t: TFunction): string[] {
  return [...new Set(failedPaths(details).map((p) => fieldLabel(t, p)))];
}

/** The sentence to show for a refused request (or for anything else a request threw). */
export function refusalText(err: unknown, t: TFunction, options: RefusalOptions = {}): string {
  if (!isRefusalLike(err)) return t('refusal.unexpected', { message: err instanceof Error ? err.message : String(err) });
  const { status, code } = err;
  if (status === 0 || code === 'network') return t('refusal.network');
  if (options.scope) {
    const own = lookup(t, `${options.scope}.${code}`);
    if (own !== null) return own;
  }
  if (code === 'invalid_request') {
    const fields = failedFieldNames(err.details, t);
    if (fields.length > 0) return t('refusal.invalidFields', { fields: fields.join(t('refusal.fieldSeparator')) });
  }
  const general = lookup(t, `refusal.${code}`);
  if (general !== null && code !== 'fields') return general;
  if (status >= 500) return t('refusal.server');
  return t('refusal.unknown', { message: err.message, code });
}
