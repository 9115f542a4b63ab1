import { useSyncExternalStore } from 'react';
import type { Theme } from './map/palette.js';

const STORAGE_KEY = 'gridwatch.theme';

/** Dark unless the user chose light on this device before. */
export function savedTheme(): Theme {
  return localStorage.getItem(STORAGE_KEY) === 'light' ? 'light' : 'dark';
}

/** Shows the page in `theme` (style.css keys on `data-theme`) and remembers it on this device. */
export function applyTheme(theme: Theme): void {
  localStorage.setItem(STORAGE_KEY, theme);
  document.documentElement.dataset.theme = theme;
}

// Before the first render, so that no screen (the blank loading page, the login page) flashes in the
// other theme.
document.documentElement.dataset.theme = savedTheme();

function watchDocumentTheme(onChange: () => void): () => void {
  const watcher = new MutationObserver(onChange);
  watcher.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => watcher.disconnect();
}

const documentTheme = (): Theme => (document.documentElement.dataset.theme === 'light' ? 'light' : 'dark');

/** The page's look as the header's buttons set it (data-theme on <html>), for maps and charts to follow. */
export function useDocumentTheme(): Theme {
  return useSyncExternalStore(watchDocumentTheme, documentTheme);
}
