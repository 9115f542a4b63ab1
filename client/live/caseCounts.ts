import type { CaseSummary, IncidentEvent, IncidentStatus } from '../../shared/index.js';

/**
 * The board's counters kept current from the stream: the server's summary as of its `headSeq`,
 * plus every event after it. A report adds one to today's reports and to "reported"; an action
 * moves one case from its old status to its new one (a closure also counts for today). Overdue
 * cannot follow from events (time makes cases overdue), so it stays the summary's figure, refreshed
 * by the page on `case:overdue` and now and then. Pure, so it is tested without a browser.
 */
export function applyEventsToSummary(summary: CaseSummary, events: readonly IncidentEvent[]): CaseSummary {
  const fresh = events.filter((e) => e.seq > summary.headSeq);
  if (fresh.length === 0) return summary;
  const open: Partial<Record<IncidentStatus, number>> = { ...summary.open };
  const bump = (s: IncidentStatus, by: number) => {
    if (s === 'closed' || s === 'rejected') return;
    open[s] = Math.max(0, (open[s] ?? 0) + by);
  };
  let { reportedToday, closedToday } = summary;
  const dayStart = Date.parse(summary.dayStart);
  for (const e of fresh) {
    if (e.kind === 'created') {
      bump(e.incident.status, 1);
      if (Date.parse(e.incident.reportedAt) >= dayStart) reportedToday += 1;
    } else if (e.action) {
      bump(e.action.from, -1);
      bump(e.action.to, 1);
      if (e.action.to === 'closed' && e.action.from !== 'closed') closedToday += 1;
    }
  }
  return { ...summary, headSeq: fresh[fresh.length - 1]!.seq, open: open as CaseSummary['open'], reportedToday, closedToday };
}

/** Cases waiting on the command center, on field teams, and on verification, for the board. */
export function boardFigures(s: CaseSummary) {
  const n = (st: IncidentStatus) => s.open[st] ?? 0;
  return {
    reportedToday: s.reportedToday,
    toAccept: n('reported') + n('accepted'),
    toDispatch: n('registered'),
    handling: n('dispatched') + n('handling'),
    toVerify: n('handled'),
    toClose: n('verified'),
    suspended: n('suspended'),
    closedToday: s.closedToday,
    overdue: s.overdue,
  };
}
export type BoardFigures = ReturnType<typeof boardFigures>;
