import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll } from 'vitest';
import { removeDataDir, startServer, type TestServer } from './server.js';

/** Debian's chromium; CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p));

/**
 * Whether the browser tests can run. In CI a missing browser is a failure, not a reason to skip:
 * .ci/run installs it.
 */
export function browserAvailable(): boolean {
  if (CHROMIUM) return true;
  if (process.env.CI) throw new Error('CI is set but no Chromium was found (apt-get install chromium fonts-noto-cjk)');
  return false;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** The pages are served from the built client (dist/client): builds it when this checkout has not. */
export function ensureClientBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'client', 'index.html'))) {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/**
 * A page's console errors and uncaught exceptions (`errors`), and its failed or refused requests
 * (`failed`), each recorded unless `quiet()` says the test is causing them on purpose. A request the
 * page cancels itself (net::ERR_ABORTED: a route asked again after the crew moved, a tile scrolled
 * out of view) is the page's decision, not a failure, so it is not recorded.
 */
export function watchPage(page: Page, quiet: () => boolean = () => false): { errors: string[]; failed: string[] } {
  const errors: string[] = [];
  const failed: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !quiet()) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText;
    if (why !== 'net::ERR_ABORTED' && !quiet()) failed.push(`${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.url()} ${r.status()}`);
  });
  return { errors, failed };
}

/** Console errors, uncaught exceptions and refused requests (status ≥ 400) of a page, in one list. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.url()} ${r.status()}`);
  });
  return problems;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    headless: true,
    // SwiftShader gives WebGL2 in software; the rest keeps Chromium off the (absent) network.
    args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Standard deviation of the luminance of a PNG: near 0 for a blank or single-colour page. */
export function luminanceSpread(png: Buffer, region?: { x: number; y: number; width: number; height: number }): number {
  const img = PNG.sync.read(png);
  const r = region ?? { x: 0, y: 0, width: img.width, height: img.height };
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = r.y; y < r.y + r.height; y += 2) {
    for (let x = r.x; x < r.x + r.width; x += 2) {
      const i = (y * img.width + x) * 4;
      const l = 0.2126 * img.data[i]! + 0.7152 * img.data[i + 1]! + 0.0722 * img.data[i + 2]!;
      n++;
      sum += l;
      sumSq += l * l;
    }
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

/**
 * Opens `url`, signs in through the login page and waits until the dashboard shows (its link state
 * appears once the session is accepted and the dashboard has mounted).
 */
export async function signInThroughPage(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('link-state').waitFor({ state: 'visible', timeout: 60_000 });
}

/** Where browser tests leave their screenshots. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'var', 'artifacts');

/**
 * A real server and a headless Chromium for one browser test file, when a browser is available:
 * before its tests the client is built if needed, the server started (with `env`), handed over
 * (`use.server`) and `prepare`d (accounts, cases), then the browser launched and handed over; after
 * them `beforeClose` runs and both are stopped, the server's data removed.
 */
export function serverAndBrowser(
  use: { server(s: TestServer): void; browser(b: Browser): void },
  opts: { env?: Record<string, string>; prepare?: () => Promise<void>; beforeClose?: () => Promise<void> } = {},
): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!browserAvailable()) return;
    ensureClientBuilt();
    server = await startServer(opts.env ? { env: opts.env } : {});
    use.server(server);
    await opts.prepare?.();
    browser = await launchBrowser();
    use.browser(browser);
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await opts.beforeClose?.();
    await browser?.close();
    await server?.stop();
    if (server) removeDataDir(server.dataDir);
  });
}

/** A small real PNG: a gradient with a dark band, as a phone's (shrunk) photo of a problem or a cleaned corner. */
export function makePng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const band = y > height / 3 && y < (2 * height) / 3;
      png.data[i] = band ? 40 : Math.round((255 * x) / width);
      png.data[i + 1] = band ? 40 : Math.round((255 * y) / height);
      png.data[i + 2] = band ? 40 : 160;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
