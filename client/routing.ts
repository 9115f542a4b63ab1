import { createElement, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A very small client router over the History API: enough for a handful of top-level screens
 * (`/`, `/dispatch`, `/field`). The server answers every non-API path with the same page, so a
 * reload or a bookmark of any of them works.
 */

export const DASHBOARD_PATH = '/';
export const DISPATCH_PATH = '/dispatch';
export const FIELD_PATH = '/field';
/** The working calendar, for admins. */
export const CALENDAR_PATH = '/admin/calendar';
/** The teams' working hours, for admins. */
export const SHIFTS_PATH = '/admin/shifts';
/** The responsibility editor (责任网格): who answers for each cell, for admins. */
export const RESPONSIBILITY_PATH = '/admin/responsibility';
/** The leaders' review (综合评价): rankings of towns, units and positions, with the drill-down. */
export const REVIEW_PATH = '/review';
/** 通报 of a week or month, with its exports and the scheduled reports kept for download. */
export const REVIEW_NOTICE_PATH = '/review/notice';
/** The after-action replay (复盘): a day or a case stepped through on the map; `?case=<id>` for one case. */
export const REPLAY_PATH = '/replay';
/** The 12345 hotline desk, for those who read callers' personal data (dispatchers, admins). */
export const HOTLINE_PATH = '/hotline';
/** The inspectors' phone (城管通): report, confirm, verify, fix on the spot. */
export const INSPECT_PATH = '/inspect';
/** A vacant lot's or material yard's own page: `/sites/<id>`, the one route with a parameter. */
export const SITE_PATH_PREFIX = '/sites/';

export function sitePath(id: string): string {
  return `${SITE_PATH_PREFIX}${encodeURIComponent(id)}`;
}

/** The site a path shows (a prefix match: the other screens' paths are exact), or null. */
export function siteIdOfPath(path: string): string | null {
  if (!path.startsWith(SITE_PATH_PREFIX)) return null;
  const rest = path.slice(SITE_PATH_PREFIX.length);
  if (rest === '' || rest.includes('/')) return null;
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}

const CHANGE = 'gridwatch:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const currentPath = () => location.pathname;

/** The current path, re-rendering on navigation (links, back/forward, `navigate`). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

/** Goes to `path` in this page; `replace` rewrites the history entry instead of adding one. */
export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (location.pathname === path) return;
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGE));
}

/**
 * A link that navigates inside the page; a modified click (new tab, new window) stays the
 * browser's own.
 */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return createElement('a', {
    ...rest,
    href: to,
    onClick: (e: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(e);
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(to);
    },
  });
}
