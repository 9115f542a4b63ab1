import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeTracks, teamPositionAt } from '../../client/replay/replayState.js';
import { TERMINAL_STATUSES, type CaseView } from '../../shared/index.js';
import type { ReplayAnswer } from '../../shared/schema/replay.js';
import { getJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, luminanceSpread, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

/**
 * 复盘 in a real browser (issue 15): a leader opens the replay from the review, on yesterday of the
 * simulated history; stepped to a moment, the page draws and counts as many open cases as the API's
 * events leave open then (counted here from the answer, case by case); play moves the clock; picking
 * a case follows its story; the crews of the back-filled history are drawn where their tracks put them.
 */

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
const LEADER = 'replay-leader';
const PASSWORD = 'replay-leader-password';
serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { HISTORY_DAYS: '2' },
    prepare: async () => {
      await createUser(server.url, server.adminCookie, LEADER, 'leader', PASSWORD);
    },
  },
);

/** Open cases at `t` (ms into the window), the slow way: each case's last event at or before t, else its opening. */
function openAt(a: ReplayAnswer, t: number): number {
  const status = new Map<number, string>();
  a.opening.case.forEach((c, k) => status.set(c, a.opening.status[k]!));
  a.events.t.forEach((et, i) => {
    if (et <= t) status.set(a.events.case[i]!, a.events.status[i]!);
  });
  return [...status.values()].filter((s) => !TERMINAL_STATUSES.includes(s as never)).length;
}

describe.runIf(run)('the after-action replay', () => {
  it('draws the open cases the events give at a moment, plays on, and follows a case', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);
    await page.goto(`${server.url}/review`);
    await page.getByTestId('nav-replay').click();
    await page.waitForURL(/\/replay$/);
    await page.getByTestId('replay-map').waitFor({ timeout: 60_000 });

    // The day shown is yesterday (China time), the API's answer for it the reference.
    const day = await page.getByTestId('replay-day').inputValue();
    expect(day).toBe(new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10));
    const a = (await getJson<ReplayAnswer>(`${server.url}/api/replay?day=${day}`, { cookie: server.adminCookie })).body;
    expect(a.events.t.length).toBeGreaterThan(500);
    // Every crew of the roster drove that day (the history's back-filled tracks).
    const roster = (await getJson<{ id: string }[]>(`${server.url}/api/teams`, { cookie: server.adminCookie })).body;
    expect(a.tracks.length).toBe(roster.length);
    const tracks = decodeTracks(a);

    for (const t of [10.5 * 3_600_000, 3 * 3_600_000, 16 * 3_600_000 + 7_000]) {
      await page.getByTestId('replay-slider').fill(String(t));
      await expect.poll(() => page.getByTestId('replay-clock').getAttribute('data-t')).toBe(String(t));
      const expected = openAt(a, t);
      expect(expected).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('replay-open-count').getAttribute('data-count')).toBe(String(expected));
      expect(await page.getByTestId('replay-map').getAttribute('data-drawn-cases')).toBe(String(expected));
      // The crews of the back-filled history are on the map: as many as the answer's tracks place then.
      const crews = tracks.filter((tr) => teamPositionAt(tr, t) !== null).length;
      expect(crews).toBeGreaterThanOrEqual(Math.min(40, a.tracks.length));
      expect(await page.getByTestId('replay-map').getAttribute('data-drawn-teams')).toBe(String(crews));
      // What happens now: the events of the last ten minutes, at most forty.
      const recent = a.events.t.filter((et) => et <= t && et > t - 600_000).length;
      expect(await page.getByTestId('replay-event').count()).toBe(Math.min(40, recent));
    }
    expect(await page.getByTestId('replay-clock').textContent()).toBe(`${day} 16:00:07`);
    await page.waitForTimeout(1500);
    const shot = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'replay-day.png'), shot);
    // The map is drawn (basemap and dots), not a blank pane.
    const box = (await page.getByTestId('replay-map').boundingBox())!;
    expect(luminanceSpread(shot, { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) })).toBeGreaterThan(8);
    // A day with crew tracks says nothing about them over the map.
    expect(await page.getByTestId('replay-no-tracks').count()).toBe(0);

    // Play at 300×: the clock runs (a second of play is five minutes of the day), and stops on pause.
    await page.getByTestId('replay-slider').fill(String(10 * 3_600_000));
    await page.getByTestId('replay-speed-300').click();
    await page.getByTestId('replay-play').click();
    await page.waitForTimeout(2_000);
    await page.getByTestId('replay-play').click();
    const played = Number(await page.getByTestId('replay-clock').getAttribute('data-t')) - 10 * 3_600_000;
    expect(played).toBeGreaterThan(60_000);
    expect(played).toBeLessThan(300 * 10_000);
    const stopped = await page.getByTestId('replay-clock').getAttribute('data-t');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('replay-clock').getAttribute('data-t')).toBe(stopped);
    const tNow = Number(stopped);
    await expect.poll(() => page.getByTestId('replay-open-count').getAttribute('data-count')).toBe(String(openAt(a, tNow)));

    // Picking a case in the list follows its story: its steps listed, the one in force highlighted.
    await page.getByTestId('replay-event').first().locator('button').click();
    await page.getByTestId('replay-story').waitFor();
    const steps = page.getByTestId('replay-step');
    // The newest event at or before the moment is the list's first; its case's events in the day are the story.
    const newest = a.events.t.findLastIndex((et) => et <= tNow);
    const picked = a.events.case[newest]!;
    await expect.poll(() => steps.count()).toBe(a.events.case.filter((c) => c === picked).length);
    expect(await page.locator('[data-testid="replay-step"][data-state="current"]').count()).toBe(1);

    // The whole case, from its report to its last step: every event of its timeline.
    const view = (await getJson<CaseView>(`${server.url}/api/cases/${a.cases.id[picked]}`, { cookie: server.adminCookie })).body;
    await page.getByTestId('replay-whole-case').click();
    await expect.poll(() => steps.count(), { timeout: 20_000 }).toBe(view.timeline.length);
    await page.waitForTimeout(2500);
    const caseShot = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'replay-case.png'), caseShot);
    expect(luminanceSpread(caseShot, { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) })).toBeGreaterThan(8);

    // A day before the stored tracks: the page says plainly that no crew track is stored, rather than an empty map.
    const before = new Date(Date.now() + 8 * 3_600_000 - 4 * 86_400_000).toISOString().slice(0, 10);
    const none = (await getJson<ReplayAnswer>(`${server.url}/api/replay?day=${before}`, { cookie: server.adminCookie })).body;
    expect(none.trackPoints.stored).toBe(0);
    await page.getByTestId('replay-day').fill(before);
    await expect.poll(() => page.getByTestId('replay-no-tracks').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('replay-no-tracks').textContent()).toContain('该日没有存储的车组轨迹');
    await page.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'replay-no-tracks.png'), await page.screenshot());
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  }, 180_000);
});
