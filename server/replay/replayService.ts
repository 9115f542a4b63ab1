import { TERMINAL_STATUSES, type IncidentStatus, type LocalizedName } from '../../shared/index.js';
import type { ReplayAnswer, ReplayTrack } from '../../shared/schema/replay.js';
import { localDayOf } from '../coverage/townDays.js';
import type { IncidentRepository, LoggedCase, LoggedChange, TeamRepository, TrackPoint } from '../store/store.js';
import { deltaCode, thinTrack } from './trackThinning.js';

const DAY_MS = 86_400_000;
const OPEN_STATUSES: IncidentStatus[] = ['reported', 'accepted', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'suspended'];
/** The log is appended in time order, near enough: a little past the window is read to be sure. */
const SCAN_MARGIN_MS = 10 * 60_000;
const CHUNK = 5_000;
/** About 4 MB of track columns: past it the tolerance doubles (the answer says which one held). */
const MAX_KEPT_POINTS = 250_000;
const MAX_TOLERANCE_M = 160;
/** A tracker keeps a point at least once a minute while it reports: three minutes without one is silence. */
const SILENT_GAP_MS = 3 * 60_000;

export class ReplayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ReplayDeps {
  incidents: Pick<IncidentRepository, 'logReader' | 'list' | 'timelineOf'>;
  teams: Pick<TeamRepository, 'tracksBetween' | 'track'>;
  headSeq(): Promise<number>;
  /** The roster: team ids and names (names of crews, not of people). */
  roster(): readonly { id: string; name: LocalizedName }[];
  now(): number;
  /** How far a thinned track may stray from the stored one (default 10 m). */
  toleranceM?: number;
  /**
   * How far before the day the log is folded for the cases open at its start (default 14 days). A
   * case still open now and reported earlier is found by its status; one reported earlier, untouched
   * for the whole look-back and closed after the day is the only kind missed.
   */
  lookbackDays?: number;
}

/** What a case is, for the replay's dictionary. */
interface CaseInfo {
  id: string;
  number: string | null;
  category: string;
  lon: number;
  lat: number;
  town: string;
}

/** The store keeps the case number on the logged case (StoredCase) though LoggedCase does not name it. */
const numberOf = (c: LoggedCase): string | null => (c as LoggedCase & { number?: string | null }).number ?? null;
const infoOf = (c: LoggedCase): CaseInfo => ({ id: c.id, number: numberOf(c), category: c.categoryCode, lon: c.lon, lat: c.lat, town: c.townCode });

/**
 * Builds the replay of a local day or of one case from the event log and the stored tracks. The log
 * has no index on time, but its seqs follow time: the window's first and last seqs are found by
 * bisection, then only that stretch (and the look-back before it) is folded.
 */
export class ReplayService {
  private readonly toleranceM: number;
  private readonly lookbackMs: number;

  constructor(private readonly deps: ReplayDeps) {
    this.toleranceM = deps.toleranceM ?? 10;
    this.lookbackMs = (deps.lookbackDays ?? 14) * DAY_MS;
  }

  /** The replay of a local day (China time); `withNames` puts the actors' names on the events. */
  async day(day: string, withNames: boolean): Promise<ReplayAnswer> {
    const since = localDayOf(Date.parse(`${day}T12:00:00Z`)).startMs;
    if (localDayOf(since).day !== day) throw new ReplayError(400, 'invalid_day', `${day} is not a day of the calendar.`);
    const now = this.deps.now();
    if (since > now) throw new ReplayError(422, 'day_in_future', `${day} has not begun yet.`);
    const until = Math.min(since + DAY_MS, now);
    const book = new CaseBook(this.deps.roster(), withNames);

    const head = await this.deps.headSeq();
    const from = await this.firstSeqAtOrAfter(since - this.lookbackMs, head);
    const to = (await this.firstSeqAtOrAfter(until + SCAN_MARGIN_MS, head)) - 1;
    // Each case's last state before the window, and the events inside it.
    const before = new Map<string, { status: IncidentStatus; teamId: string | null; info: CaseInfo }>();
    const firstInWindow = new Map<string, IncidentStatus | null>();
    const reader = this.deps.incidents.logReader();
    for (let after = from - 1; after < to; ) {
      const last = await reader.read(after, to, CHUNK, (ch) => {
        if (ch.at < since) {
          before.set(ch.case.id, { status: ch.case.status, teamId: ch.case.teamId, info: infoOf(ch.case) });
        } else if (ch.at < until) {
          if (!firstInWindow.has(ch.case.id)) firstInWindow.set(ch.case.id, ch.kind === 'created' ? null : (ch.action?.from ?? ch.case.status));
          book.event(ch, since);
        }
      });
      if (last === after) break;
      after = last;
    }
    // Open at the start: the look-back's cases still open then; cases first seen inside the window
    // without their creation (reported before the look-back); cases open now reported before it.
    for (const b of before.values()) if (!TERMINAL_STATUSES.includes(b.status)) book.open(b.info, b.status, b.teamId);
    for (const [id, from] of firstInWindow) {
      if (from === null || before.has(id) || TERMINAL_STATUSES.includes(from)) continue;
      book.open(book.infoOf(id)!, from, null);
    }
    const lookbackStart = new Date(since - this.lookbackMs).toISOString();
    let cursor: string | undefined;
    do {
      const page = await this.deps.incidents.list({ status: OPEN_STATUSES, until: lookbackStart, limit: 5000, cursor });
      for (const i of page.items) {
        if (before.has(i.id) || firstInWindow.has(i.id)) continue;
        book.open({ id: i.id, number: i.number ?? null, category: i.categoryCode, lon: i.lon, lat: i.lat, town: i.townCode }, i.status, i.teamId);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    const points = await this.deps.teams.tracksBetween(since, until);
    return book.answer({ since, until, day, caseId: null, points, toleranceM: this.toleranceM });
  }

  /** One case's story, from its report to its last event, with the tracks of the crews it had. */
  async ofCase(caseId: string, withNames: boolean): Promise<ReplayAnswer> {
    const timeline = await this.deps.incidents.timelineOf(caseId);
    if (timeline.length === 0) throw new ReplayError(404, 'not_found', `No case has the id ${caseId}.`);
    const first = Date.parse(timeline[0]!.at);
    const last = Date.parse(timeline.at(-1)!.at);
    const since = first - 60_000;
    const until = Math.min(Math.max(last + 60_000, first + 60_000), Math.max(this.deps.now(), last + 1));
    const book = new CaseBook(this.deps.roster(), withNames);
    for (const e of timeline) {
      const i = e.incident;
      // Only the fields the book reads: a wire incident carries them as the logged case does.
      const c = { id: i.id, categoryCode: i.categoryCode, lon: i.lon, lat: i.lat, townCode: i.townCode, status: i.status, teamId: i.teamId, number: i.number ?? null } as unknown as LoggedCase;
      book.event({ seq: e.seq, kind: e.kind, at: Date.parse(e.at), action: (e.action ?? null) as LoggedChange['action'], case: c }, since);
    }
    const teamIds = [...new Set(timeline.map((e) => e.incident.teamId).filter((t): t is string => t !== null))];
    const points: TrackPoint[] = [];
    for (const id of teamIds) points.push(...(await this.deps.teams.track(id, since, until, 200_000)));
    return book.answer({ since, until, day: null, caseId, points, toleranceM: this.toleranceM });
  }

  /** The first seq whose event is at or after `ms` (head + 1 when none), by bisection over the log. */
  private async firstSeqAtOrAfter(ms: number, head: number): Promise<number> {
    let lo = 1;
    let hi = head + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      let at = Infinity;
      await this.deps.incidents.logReader().read(mid - 1, mid, 1, (ch) => (at = ch.at));
      if (at < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The answer being built: cases and teams by index, the events' columns, the opening. */
class CaseBook {
  private readonly cases: CaseInfo[] = [];
  private readonly caseIndex = new Map<string, number>();
  private readonly teams: { id: string; name: LocalizedName }[];
  private readonly teamIndex = new Map<string, number>();
  private readonly events: ReplayAnswer['events'] = { t: [], case: [], action: [], status: [], team: [], actor: [] };
  private readonly opening: ReplayAnswer['opening'] = { case: [], status: [], team: [] };
  private readonly actors: string[] = [];
  private readonly actorIndex = new Map<string, number>();

  constructor(
    roster: readonly { id: string; name: LocalizedName }[],
    private readonly withNames: boolean,
  ) {
    this.teams = roster.map((t) => ({ id: t.id, name: t.name }));
    this.teams.forEach((t, i) => this.teamIndex.set(t.id, i));
  }

  infoOf(id: string): CaseInfo | undefined {
    const i = this.caseIndex.get(id);
    return i === undefined ? undefined : this.cases[i];
  }

  private caseOf(info: CaseInfo): number {
    let i = this.caseIndex.get(info.id);
    if (i === undefined) {
      i = this.cases.push({ ...info }) - 1;
      this.caseIndex.set(info.id, i);
    } else if (info.number) {
      // Registration gives the number: the latest known one stands for the case.
      this.cases[i]!.number = info.number;
    }
    return i;
  }

  private teamOf(id: string | null): number | null {
    if (id === null) return null;
    let i = this.teamIndex.get(id);
    if (i === undefined) {
      // A crew no longer on the roster: named by its id.
      i = this.teams.push({ id, name: { zh: id, en: id } }) - 1;
      this.teamIndex.set(id, i);
    }
    return i;
  }

  event(ch: LoggedChange, since: number): void {
    const e = this.events;
    e.t.push(ch.at - since);
    e.case.push(this.caseOf(infoOf(ch.case)));
    e.action.push(ch.action?.name ?? null);
    e.status.push(ch.case.status);
    e.team.push(this.teamOf(ch.case.teamId));
    e.actor.push(this.withNames && ch.action ? this.actorOf(ch.action.actor) : null);
  }

  private actorOf(name: string): number {
    let i = this.actorIndex.get(name);
    if (i === undefined) {
      i = this.actors.push(name) - 1;
      this.actorIndex.set(name, i);
    }
    return i;
  }

  open(info: CaseInfo, status: IncidentStatus, teamId: string | null): void {
    this.opening.case.push(this.caseOf(info));
    this.opening.status.push(status);
    this.opening.team.push(this.teamOf(teamId));
  }

  answer(w: { since: number; until: number; day: string | null; caseId: string | null; points: readonly TrackPoint[]; toleranceM: number }): ReplayAnswer {
    const byTeam = new Map<string, TrackPoint[]>();
    for (const p of w.points) {
      const mine = byTeam.get(p.teamId);
      if (mine) mine.push(p);
      else byTeam.set(p.teamId, [p]);
    }
    const runs = [...byTeam].map(([teamId, stored]) => {
      // Whole seconds before thinning, so that the tolerance holds for the times sent.
      const pts = stored.map((p) => ({ ...p, at: w.since + Math.round((p.at - w.since) / 1000) * 1000 })).sort((a, b) => a.at - b.at);
      const pinned = new Set<number>();
      for (let i = 1; i < pts.length; i++) {
        if (pts[i]!.status !== pts[i - 1]!.status) pinned.add(i);
        // Both ends of a silence stay, so that the page can tell the gap from a long stand.
        if (pts[i]!.at - pts[i - 1]!.at > SILENT_GAP_MS) pinned.add(i).add(i - 1);
      }
      return { teamId, pts, pinned };
    });
    // A large fleet's day would still be too many points at the tolerance asked: coarser until it fits.
    let toleranceM = w.toleranceM;
    let thinned = runs.map((r) => thinTrack(r.pts, toleranceM, r.pinned));
    while (thinned.reduce((n, idx) => n + idx.length, 0) > MAX_KEPT_POINTS && toleranceM < MAX_TOLERANCE_M) {
      toleranceM *= 2;
      thinned = runs.map((r) => thinTrack(r.pts, toleranceM, r.pinned));
    }
    const tracks: ReplayTrack[] = [];
    let kept = 0;
    for (const [k, { teamId, pts }] of runs.entries()) {
      const idx = thinned[k]!;
      kept += idx.length;
      const statuses: ReplayTrack['statuses'] = [];
      for (const i of idx) {
        const p = pts[i]!;
        if (statuses.length === 0 || statuses.at(-1)![1] !== p.status) statuses.push([p.at - w.since, p.status]);
      }
      tracks.push({
        team: this.teamOf(teamId)!,
        // Seconds: the fleet is sampled every few seconds, and a digit less a point is a day's megabyte.
        t: deltaCode(idx.map((i) => (pts[i]!.at - w.since) / 1000)),
        x: deltaCode(idx.map((i) => Math.round(pts[i]!.lon * 1e5))),
        y: deltaCode(idx.map((i) => Math.round(pts[i]!.lat * 1e5))),
        statuses,
        breaks: idx.flatMap((i, k) => (k > 0 && pts[i]!.at - pts[i - 1]!.at > SILENT_GAP_MS ? [k] : [])),
      });
    }
    const c = this.cases;
    // Oldest first: the log follows time only near enough, and the client seeks by time.
    const e = this.events;
    const order = e.t.map((_, i) => i).sort((a, b) => e.t[a]! - e.t[b]! || a - b);
    const events: ReplayAnswer['events'] = { t: order.map((i) => e.t[i]!), case: order.map((i) => e.case[i]!), action: order.map((i) => e.action[i]!), status: order.map((i) => e.status[i]!), team: order.map((i) => e.team[i]!), actor: order.map((i) => e.actor[i]!) };
    return {
      since: new Date(w.since).toISOString(),
      until: new Date(w.until).toISOString(),
      day: w.day,
      caseId: w.caseId,
      cases: { id: c.map((x) => x.id), number: c.map((x) => x.number), category: c.map((x) => x.category), lon: c.map((x) => x.lon), lat: c.map((x) => x.lat), town: c.map((x) => x.town) },
      opening: this.opening,
      events,
      actors: this.actors,
      teams: this.teams,
      tracks,
      toleranceM,
      trackPoints: { stored: w.points.length, kept },
    };
  }
}
