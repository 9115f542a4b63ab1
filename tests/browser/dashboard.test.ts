import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, luminanceSpread } from '../support/browser.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  if (!run) return;
  // The page is served from the built client; build it if this checkout has not.
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(ROOT, 'dist', 'client', 'index.html'))) {
    const { execFileSync } = await import('node:child_process');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
  }
  server = await startServer({ env: { HISTORY_DAYS: '1' } });
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe.runIf(run)('the dashboard in a real browser', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`loads the ${theme} map with no console error and no failed request, and draws it`, async () => {
      const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
      await context.addInitScript((t) => localStorage.setItem('gridwatch.theme', t), theme);
      const page = await context.newPage();
      const errors: string[] = [];
      const failed: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.url()} ${r.status()}`);
      });
      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
      await page.getByTestId('link-state').filter({ hasText: 'Live' }).waitFor({ timeout: 20_000 });
      await page.waitForTimeout(1500);
      const shot = await page.screenshot();
      writeFileSync(join(ARTIFACTS, `dashboard-${theme}.png`), shot);
      const box = (await page.getByTestId('map').boundingBox())!;
      const spread = luminanceSpread(shot, { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) });
      expect(errors).toEqual([]);
      expect(failed).toEqual([]);
      // A blank or failed WebGL canvas is one flat colour; a drawn city has roads, water and land use.
      expect(spread).toBeGreaterThan(8);
      await context.close();
    });
  }
});
