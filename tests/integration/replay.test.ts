import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldStatesAt, decodeTracks, statusName, teamPositionAt } from '../../client/replay/replayState.js';
import { flatMetres } from '../../server/replay/trackThinning.js';
import { CREW_TRACK_DAYS } from '../../server/simulation/historyBackfill.js';
import { TERMINAL_STATUSES, type CaseView, type IncidentStatus } from '../../shared/index.js';
import { ReplayAnswer } from '../../shared/schema/replay.js';
import { getJson, postJson } from '../support/api.js';
import { createToken, createUser } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError } from '../support/types.js';

/**
 * 复盘 (issue 15): `GET /api/replay` rebuilds a day of the simulated history, checked case by case
 * against each case's own timeline (`GET /api/cases/:id`); a crew's track posted by a GPS gateway
 * comes back thinned, every posted fix within the tolerance of the line the replay draws; names only
 * for readers of personal data; refusals in the API's shape.
 */

let server: TestServer;
let leader: string;
let inspector: string;
const CHINA_MS = 8 * 3_600_000;
/** Yesterday in China time: a whole day of the back-filled history. */
const YESTERDAY = new Date(Date.now() + CHINA_MS - 86_400_000).toISOString().slice(0, 10);
const dayStart = Date.parse(`${YESTERDAY}T00:00:00+08:00`);
const localDayBack = (n: number) => new Date(Date.now() + CHINA_MS - n * 86_400_000).toISOString().slice(0, 10);
/** Six days ago: a day of last week's review, inside the crews' back-filled tracks (CREW_TRACK_DAYS). */
const SIX_BACK = localDayBack(6);
/** CREW_TRACK_DAYS + 1 days ago: cases of the history, but before the crews' back-filled tracks begin. */
const EARLIER = localDayBack(CREW_TRACK_DAYS + 1);
const earlierStart = Date.parse(`${EARLIER}T00:00:00+08:00`);

beforeAll(async () => {
  // A day more than the tracks, so that the history has a day with cases and without crews.
  server = await startServer({ env: { HISTORY_DAYS: String(CREW_TRACK_DAYS + 1) } });
  leader = await createUser(server.url, server.adminCookie, 'replay-leader', 'leader');
  inspector = await createUser(server.url, server.adminCookie, 'replay-inspector', 'inspector');
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const replayOf = async (q: string, credentials?: { cookie: string } | { token: string }) => getJson<ReplayAnswer & Partial<ApiError>>(`${server.url}/api/replay?${q}`, credentials);

describe('GET /api/replay', () => {
  it('rebuilds a day as each case’s own timeline tells it: its events in the day, its state at the start', async () => {
    const { status, body } = await replayOf(`day=${YESTERDAY}`);
    expect(status).toBe(200);
    const a = ReplayAnswer.parse(body);
    expect(a.since).toBe(new Date(dayStart).toISOString());
    expect(a.until).toBe(new Date(dayStart + 86_400_000).toISOString());
    expect(a.events.t.length).toBeGreaterThan(1000);
    expect(a.opening.case.length).toBeGreaterThan(10);
    // Oldest first, inside the day.
    for (let i = 1; i < a.events.t.length; i++) expect(a.events.t[i]!).toBeGreaterThanOrEqual(a.events.t[i - 1]!);
    expect(a.events.t.at(-1)!).toBeLessThan(86_400_000);

    // Cases of every kind: open at the start, reported in the day, both; each against its timeline.
    const opened = new Set(a.opening.case);
    const inEvents = [...new Set(a.events.case)];
    const sample = [...a.opening.case.slice(0, 12), ...inEvents.filter((c) => !opened.has(c)).slice(0, 12), ...inEvents.filter((c) => opened.has(c)).slice(0, 6)];
    expect(sample.length).toBeGreaterThan(20);
    for (const c of sample) {
      const id = a.cases.id[c]!;
      const view = (await getJson<CaseView>(`${server.url}/api/cases/${id}`, { cookie: server.adminCookie })).body;
      const before = view.timeline.filter((e) => Date.parse(e.at) < dayStart);
      const during = view.timeline.filter((e) => Date.parse(e.at) >= dayStart && Date.parse(e.at) < dayStart + 86_400_000);
      const mine = a.events.case.flatMap((x, i) => (x === c ? [i] : []));
      expect(mine.map((i) => [a.events.t[i], a.events.action[i], a.events.status[i]]), id).toEqual(during.map((e) => [Date.parse(e.at) - dayStart, e.action?.name ?? null, e.incident.status]));
      const k = a.opening.case.indexOf(c);
      const startStatus = before.at(-1)?.incident.status;
      if (startStatus === undefined || TERMINAL_STATUSES.includes(startStatus)) expect(k, id).toBe(-1);
      else expect(a.opening.status[k], id).toBe(startStatus);
    }

    // The open cases at noon are those the timelines leave open then.
    const noon = 12 * 3_600_000;
    const open = [...foldStatesAt(a, noon).status].filter((s) => s >= 0 && !TERMINAL_STATUSES.includes(statusName(s)!)).length;
    let byTimeline = 0;
    for (const c of sample) {
      const view = (await getJson<CaseView>(`${server.url}/api/cases/${a.cases.id[c]}`, { cookie: server.adminCookie })).body;
      const last = view.timeline.filter((e) => Date.parse(e.at) <= dayStart + noon).at(-1)?.incident.status as IncidentStatus | undefined;
      const folded = statusName(foldStatesAt(a, noon).status[c]!);
      expect(folded).toBe(last ?? null);
      if (last && !TERMINAL_STATUSES.includes(last)) byTimeline++;
    }
    expect(open).toBeGreaterThanOrEqual(byTimeline);
  }, 120_000);

  it('names who acted only for readers of personal data', async () => {
    const asDispatcher = (await replayOf(`day=${YESTERDAY}`)).body;
    expect(asDispatcher.actors.length).toBeGreaterThan(5);
    expect(asDispatcher.events.actor.filter((x) => x !== null).length).toBeGreaterThan(1000);
    const asLeader = await replayOf(`day=${YESTERDAY}`, { cookie: leader });
    expect(asLeader.status).toBe(200);
    expect(asLeader.body.actors).toEqual([]);
    expect(asLeader.body.events.actor.every((x) => x === null)).toBe(true);
    expect(asLeader.body.events.t).toEqual(asDispatcher.events.t);
    expect(JSON.stringify(asLeader.body)).not.toContain(asDispatcher.actors.find((n) => n.includes('监督员')) ?? '监督员 ');
    // An inspector has no analytics.read.
    const refused = await replayOf(`day=${YESTERDAY}`, { cookie: inspector });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('forbidden');
  }, 60_000);

  it('replays one case from its report to its last step', async () => {
    const day = ReplayAnswer.parse((await replayOf(`day=${YESTERDAY}`)).body);
    const c = day.events.case[day.events.action.indexOf('close')]!;
    const id = day.cases.id[c]!;
    const { status, body } = await replayOf(`caseId=${id}`, { cookie: leader });
    expect(status).toBe(200);
    const a = ReplayAnswer.parse(body);
    const view = (await getJson<CaseView>(`${server.url}/api/cases/${id}`, { cookie: server.adminCookie })).body;
    expect(a.caseId).toBe(id);
    expect(a.cases.id).toEqual([id]);
    expect(a.opening.case).toEqual([]);
    expect(a.events.t.map((t) => t + Date.parse(a.since))).toEqual(view.timeline.map((e) => Date.parse(e.at)));
    expect(a.events.status).toEqual(view.timeline.map((e) => e.incident.status));
    expect(a.events.status.at(-1)).toBe(view.case.status);
  }, 60_000);

  it('has the crews of a day six days back, and none (said by an empty track count) before the tracks begin', async () => {
    expect(CREW_TRACK_DAYS).toBeGreaterThanOrEqual(7);
    const roster = (await getJson<{ id: string }[]>(`${server.url}/api/teams`)).body;
    const week = ReplayAnswer.parse((await replayOf(`day=${SIX_BACK}`)).body);
    expect(week.events.t.length).toBeGreaterThan(1000);
    // Every crew of the roster drove that day, all day: its track spans the morning to the evening.
    expect(new Set(week.tracks.map((tr) => week.teams[tr.team]!.id))).toEqual(new Set(roster.map((t) => t.id)));
    expect(week.trackPoints.stored).toBeGreaterThan(10_000);
    const spans = decodeTracks(week).map((tr) => [tr.t[0]!, tr.t.at(-1)!]);
    expect(Math.min(...spans.map((s) => s[0]!))).toBeLessThan(3_600_000);
    expect(Math.max(...spans.map((s) => s[1]!))).toBeGreaterThan(23 * 3_600_000);

    // The day before: the history's cases, no crew track stored (the page says so from this count).
    const before = ReplayAnswer.parse((await replayOf(`day=${EARLIER}`)).body);
    expect(before.events.t.length).toBeGreaterThan(100);
    expect(before.trackPoints.stored).toBe(0);
    expect(before.tracks).toEqual([]);
  }, 60_000);

  it('sends a crew’s track thinned, every stored fix within the tolerance of the line it draws', async () => {
    const gateway = await createToken(server.url, server.adminCookie, 'field', 'replay-gps-gateway');
    const teams = (await getJson<{ id: string }[]>(`${server.url}/api/teams`)).body;
    const teamId = teams[0]!.id;
    // 09:00–09:20 of a day the simulated crews have no track on: east along a street at 8 m/s, a
    // stop on site, then north; a fix every 5 s.
    const t0 = earlierStart + 9 * 3_600_000;
    const fixes: { at: number; lon: number; lat: number; status: 'en_route' | 'on_site' }[] = [];
    let lon = 119.95;
    let lat = 31.72;
    for (let i = 0; i < 240; i++) {
      const phase = i < 100 ? 'east' : i < 160 ? 'stop' : 'north';
      if (phase === 'east') lon += (8 * 5) / 94_800;
      if (phase === 'north') lat += (8 * 5) / 110_574;
      // A little GPS noise, under the tolerance.
      fixes.push({ at: t0 + i * 5_000, lon: lon + (i % 3) * 1e-5, lat, status: phase === 'stop' ? 'on_site' : 'en_route' });
    }
    // Then silent for a quarter of an hour, heard again 2 km away.
    const silentUntil = t0 + 35 * 60_000;
    const again = Array.from({ length: 12 }, (_, i) => ({ at: silentUntil + i * 5_000, lon: 119.97 + i * 4e-4, lat: 31.74, status: 'en_route' as const }));
    for (let k = 0; k < fixes.length + again.length; k += 100) {
      const batch = [...fixes, ...again].slice(k, k + 100).map((f) => ({ trackerId: teamId, lon: f.lon, lat: f.lat, at: new Date(f.at).toISOString(), status: f.status }));
      const res = await postJson<unknown>(`${server.url}/api/trackers/positions`, { positions: batch }, { token: gateway });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    }
    const a = ReplayAnswer.parse((await replayOf(`day=${EARLIER}`)).body);
    const mine = a.tracks.find((tr) => a.teams[tr.team]!.id === teamId)!;
    expect(mine).toBeDefined();
    const [track] = decodeTracks({ tracks: [mine] });
    // The stop and the turn are kept, the straight runs are not.
    expect(track!.t.length).toBeGreaterThanOrEqual(4);
    expect(track!.t.length).toBeLessThan(fixes.length / 10);
    expect(mine.statuses.map((s) => s[1])).toEqual(['en_route', 'on_site', 'en_route']);
    expect(a.trackPoints.stored).toBeGreaterThanOrEqual(fixes.length * 0.5);
    // No line across the silence: held where last heard from for a while, then not drawn, then there again.
    expect(mine.breaks.length).toBe(1);
    const since = Date.parse(a.since);
    const lastHeard = fixes.at(-1)!;
    expect(flatMetres(lastHeard, teamPositionAt(track!, lastHeard.at + 60_000 - since)!)).toBeLessThan(a.toleranceM + 1.5);
    expect(teamPositionAt(track!, silentUntil - 60_000 - since)).toBeNull();
    expect(flatMetres(again[0]!, teamPositionAt(track!, silentUntil - since)!)).toBeLessThan(a.toleranceM + 1.5);
    // The server keeps a fix when it moved 15 m or a minute passed: every one it stored is on the drawn line.
    const stored = (await getJson<{ points: [number, number, number, string][] }>(`${server.url}/api/teams/${teamId}/track?since=${new Date(t0).toISOString()}&until=${new Date(t0 + 20 * 60_000).toISOString()}`)).body.points;
    expect(stored.length).toBeGreaterThan(100);
    for (const [lon, lat, at] of stored) {
      const p = teamPositionAt(track!, at - Date.parse(a.since))!;
      expect(flatMetres({ lon, lat }, p)).toBeLessThanOrEqual(a.toleranceM + 1.5);
    }
  }, 60_000);

  it('has the crews of a history day moving: each drives to the cases it was given, between dispatch and handled', async () => {
    const a = ReplayAnswer.parse((await replayOf(`day=${YESTERDAY}`, { cookie: leader })).body);
    const teams = (await getJson<{ id: string }[]>(`${server.url}/api/teams`)).body;
    // Every crew of the roster has a track all day, thinned where it stood.
    expect(new Set(a.tracks.map((tr) => a.teams[tr.team]!.id))).toEqual(new Set(teams.map((t) => t.id)));
    expect(a.trackPoints.stored).toBeGreaterThan(teams.length * 300);
    expect(a.trackPoints.kept).toBeLessThan(a.trackPoints.stored / 2);
    const decoded = decodeTracks(a);
    const trackOf = new Map(a.tracks.map((tr, k) => [tr.team, decoded[k]!]));
    const statuses = new Set(a.tracks.flatMap((tr) => tr.statuses.map((s) => s[1])));
    expect([...statuses]).toEqual(expect.arrayContaining(['en_route', 'on_site', 'available']));
    // At mid-morning crews are out: some on the way, some on site.
    const at = 10 * 3_600_000;
    const now = [...trackOf.values()].map((tr) => teamPositionAt(tr, at)?.status);
    expect(now.filter((s) => s === 'en_route').length).toBeGreaterThan(0);
    expect(now.filter((s) => s === 'on_site').length).toBeGreaterThan(0);

    // Cases given to a crew and handled in the day: the crew's drawn track comes within 50 m (and the
    // replay's tolerance) of the case between the step that gave the case to it and the handled report.
    const calls: { c: number; team: number; from: number; until: number }[] = [];
    const givenAt = new Map<string, number>();
    for (let i = 0; i < a.events.t.length; i++) {
      const c = a.events.case[i]!;
      const team = a.events.team[i] ?? null;
      const key = `${c}:${team}`;
      // Only cases given to the crew within the day: one that got there the evening before may have left.
      if (team !== null && !givenAt.has(key) && ['dispatch', 'assign'].includes(a.events.action[i]!)) givenAt.set(key, a.events.t[i]!);
      if (a.events.action[i] === 'report-handled' && team !== null && givenAt.has(key)) calls.push({ c, team, from: givenAt.get(key)!, until: a.events.t[i]! });
    }
    expect(calls.length).toBeGreaterThan(200);
    const sample = calls.filter((_, i) => i % Math.ceil(calls.length / 150) === 0);
    let reached = 0;
    for (const { c, team, from, until } of sample) {
      const tr = trackOf.get(team);
      const site = { lon: a.cases.lon[c]!, lat: a.cases.lat[c]! };
      let near = false;
      for (let i = 0; tr && i < tr.t.length && !near; i++) if (tr.t[i]! >= from && tr.t[i]! <= until && flatMetres(site, { lon: tr.lon[i]!, lat: tr.lat[i]! }) <= 50 + a.toleranceM) near = true;
      if (near) reached++;
    }
    // A few calls of the squads on duty round the clock are missed (more night cases than one vehicle reaches).
    expect(reached / sample.length, `${reached} of ${sample.length}`).toBeGreaterThan(0.85);
  }, 60_000);

  it('refuses a malformed or impossible query in the API’s shape', async () => {
    for (const q of ['', 'day=2026-13-01', 'day=yesterday', `day=${YESTERDAY}&caseId=abc`, 'caseId=', 'caseId=a%20b', `day=${YESTERDAY}&extra=1`]) {
      const { status, body } = await replayOf(q);
      expect(status, q).toBe(400);
      expect(body.error?.code, q).toBe('invalid_request');
      expect(typeof body.error?.message).toBe('string');
    }
    expect((await replayOf('day=2026-02-30')).body.error?.code).toBe('invalid_day');
    const ahead = await replayOf(`day=${new Date(Date.now() + CHINA_MS + 2 * 86_400_000).toISOString().slice(0, 10)}`);
    expect([ahead.status, ahead.body.error?.code]).toEqual([422, 'day_in_future']);
    const unknown = await replayOf('caseId=no-such-case');
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'not_found']);
    expect((await getJson(`${server.url}/api/replay?day=${YESTERDAY}`, null)).status).toBe(401);
  });
});

