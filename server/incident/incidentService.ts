import { z } from 'zod';
import { NewIncident, stageOfStatus, type Category, type GridCellProps, type Incident, type IncidentEvent } from '../../shared/index.js';
import type { CaseClock } from '../case/caseClock.js';
import { Refusal } from '../refusal.js';
import { createGroupCommitter } from '../store/groupCommit.js';
import type { HistoricalRecord, IncidentRecord, IncidentStore } from '../store/store.js';
import type { HistoricalIncident, IncidentIntake, IncidentReport } from './intake.js';

/** What the incident service needs from the rest of the server, passed in so it can be tested alone. */
export interface IncidentServiceDeps {
  store: IncidentStore;
  categoryOf(code: string): Category | undefined;
  /** The unit grid cell holding the point, or undefined outside the city. */
  cellAt(lon: number, lat: number): GridCellProps | undefined;
  /** The handling deadline and the deadline to accept a new report. */
  clock: Pick<CaseClock, 'handlingDeadline' | 'stageDeadline'>;
  /** Called with each committed batch of events, in seq order. */
  onCommitted(events: IncidentEvent[]): void;
  now(): number;
  newId(): string;
  /** Most reports per transaction; see createGroupCommitter. */
  maxBatch?: number;
}

/** Reports may carry a client clock that runs a little fast; more than this is refused. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Turns reports into stored incidents: validates them, places them in their cell and town, computes
 * the deadline, and commits them in groups. Every source (HTTP, simulator, later the 12345 bridge)
 * comes through here, so they all obey the same rules.
 */
export class IncidentService implements IncidentIntake {
  private readonly committer;

  constructor(private readonly deps: IncidentServiceDeps) {
    this.committer = createGroupCommitter<IncidentRecord, Incident>(async (records) => {
      const events = await deps.store.appendIncidents(records);
      deps.onCommitted(events);
      return events.map((e) => e.incident);
    }, deps.maxBatch);
  }

  /** Validates and places a report; throws a Refusal saying what is wrong with it. */
  prepare(input: IncidentReport, receivedAt: number, reportedBy: IncidentRecord['reportedBy'] = null): IncidentRecord {
    const parsed = NewIncident.safeParse(input);
    if (!parsed.success) {
      throw new Refusal(400, 'invalid_request', 'The incident report is not valid.', z.treeifyError(parsed.error));
    }
    const report = parsed.data;
    const category = this.deps.categoryOf(report.categoryCode);
    if (!category) {
      throw new Refusal(422, 'unknown_category', `No category has the code ${report.categoryCode}.`, {
        categoryCode: report.categoryCode,
      });
    }
    const cell = this.deps.cellAt(report.lon, report.lat);
    if (!cell) {
      throw new Refusal(422, 'outside_city', 'The location lies outside every unit grid cell of the city.', {
        lon: report.lon,
        lat: report.lat,
      });
    }
    const reportedAt = report.reportedAt === undefined ? receivedAt : Date.parse(report.reportedAt);
    if (reportedAt > receivedAt + FUTURE_TOLERANCE_MS) {
      throw new Refusal(422, 'reported_in_future', 'reportedAt lies in the future.', { reportedAt: report.reportedAt });
    }
    return {
      id: this.deps.newId(),
      categoryCode: category.code,
      lon: report.lon,
      lat: report.lat,
      gridCode: cell.code,
      townCode: cell.townCode,
      communityCode: cell.communityCode,
      source: report.source ?? 'inspector',
      description: report.description ?? '',
      reporter: report.reporter && (report.reporter.name || report.reporter.phone) ? report.reporter : null,
      reportedBy,
      reportedAt,
      createdAt: receivedAt,
      deadlineAt: this.deps.clock.handlingDeadline(category, reportedAt),
      // Acceptance (受理) counts from when the report reached the center.
      stageDeadlineAt: this.deps.clock.stageDeadline(category, 'accept', receivedAt),
    };
  }

  /** Stores a live report, once committed; `reportedBy` is the account that sent it (kept in its record). */
  async report(input: IncidentReport, reportedBy: IncidentRecord['reportedBy'] = null): Promise<Incident> {
    const record = this.prepare(input, this.deps.now(), reportedBy);
    return this.committer.submit(record);
  }

  /** Back-fills past incidents; reports that would be refused live are skipped, not stored. */
  async importHistory(records: Iterable<HistoricalIncident>): Promise<number> {
    const accepted: HistoricalRecord[] = [];
    for (const h of records) {
      const reportedAt = Date.parse(h.report.reportedAt);
      let incident: IncidentRecord;
      try {
        incident = this.prepare(h.report, reportedAt);
      } catch (err) {
        if (err instanceof Refusal) continue;
        throw err;
      }
      const category = this.deps.categoryOf(incident.categoryCode)!;
      const transitions = h.transitions.map((t) => {
        const at = Date.parse(t.at);
        const stage = stageOfStatus(t.status);
        return { status: t.status, at, stageDeadlineAt: stage === null || stage === 'handle' ? null : this.deps.clock.stageDeadline(category, stage, at) };
      });
      accepted.push({ incident, transitions });
    }
    return this.deps.store.importHistory(accepted);
  }

  /** Resolves once every report handed in so far is committed; used at shutdown. */
  drain(): Promise<void> {
    return this.committer.drain();
  }
}
