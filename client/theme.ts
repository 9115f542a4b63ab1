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
