/**
 * A wall display's sign-in link: `/kiosk#token=<API token>`. The token rides in the fragment, which
 * the browser never sends, so it reaches no server or proxy log; the page takes it out of the
 * address bar (and the history) as soon as it has read it.
 */

export const KIOSK_PATH = '/kiosk';

/** The token in a location's fragment (`#token=…`), or null when there is none or it cannot be one. */
export function displayTokenOf(hash: string): string | null {
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (!part.startsWith('token=')) continue;
    let token: string;
    try {
      token = decodeURIComponent(part.slice('token='.length));
    } catch {
      return null;
    }
    // Visible ASCII only: anything else could not go into an Authorization header anyway.
    return /^[\x21-\x7e]{1,1000}$/.test(token) ? token : null;
  }
  return null;
}

/** Replaces the link in the address bar and the history by the dashboard's address. */
export function forgetKioskLink(): void {
  history.replaceState(null, '', '/');
}
