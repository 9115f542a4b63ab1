import type { Incident, IncidentSource, IncidentStatus, ReporterContact } from '../../shared/index.js';

/**
 * What a source of reports (the HTTP API, the simulator, later the 12345 bridge) hands to the
 * incident service. Validation, grid assignment and deadlines happen behind this interface.
 */
export interface IncidentReport {
  categoryCode: string;
  lon: number;
  lat: number;
  description?: string;
  source?: IncidentSource;
  /** ISO 8601 with offset; defaults to the time of receipt. */
  reportedAt?: string;
  /** The reporting person's contact (personal data). */
  reporter?: ReporterContact;
}

/** A past incident with the status changes it went through, for back-filling history. */
export interface HistoricalIncident {
  report: IncidentReport & { reportedAt: string };
  /** Status changes after the report, in time order (ISO 8601 timestamps). */
  transitions: { status: IncidentStatus; at: string }[];
}

export interface IncidentIntake {
  /** Stores one live report; resolves with the stored incident once it is durably committed. */
  report(report: IncidentReport, reportedBy?: { name: string; role: string } | null): Promise<Incident>;
  /** Stores many past incidents in one transaction; resolves with how many were stored. */
  importHistory(records: Iterable<HistoricalIncident>): Promise<number>;
}
