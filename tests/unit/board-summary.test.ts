import { describe, expect, it } from 'vitest';
import { boardSummary, dayClosure, isOverdue, worstTown } from '../../server/board/boardSummary.js';
import type { BoardCase } from '../../server/store/store.js';
import { BoardSummary, type IncidentStatus } from '../../shared/index.js';

/** A China-time clock reading on the board's day (6 December) or the day before (5 December). */
const today = (hhmm: string) => Date.parse(`2026-12-06T${hhmm}:00+08:00`);
const yesterday = (hhmm: string) => Date.parse(`2026-12-05T${hhmm}:00+08:00`);
const NOW = today('10:00');
const DAY_START = today('00:00');

const kase = (townCode: string, status: IncidentStatus, over: Partial<BoardCase> = {}): BoardCase => ({
  townCode, status, deadlineAt: null, stageDeadlineAt: null, closeDeadlineAt: null, closedAt: null, ...over,
});

/**
 * A morning worked out by hand. Today's closure cohort (closure deadline between 00:00 and 10:00):
 * #1 #2 #3 #11 in T1, #5 #6 #7 in T2 — 7 due; closed #1 #2 #5 #6 — 4; on time #1 #5 #6 — 3.
 * Overdue now: #3 (closure), #7 (closure), #8 (handling), #9 (stage) — 4.
 * Yesterday by 10:00: #13 #14 #15 due; closed by then #13 #15; on time #13.
 */
const CASES: BoardCase[] = [
  /* 1 */ kase('T1', 'closed', { closeDeadlineAt: today('08:00'), closedAt: today('07:00') }),
  /* 2 */ kase('T1', 'closed', { closeDeadlineAt: today('08:30'), closedAt: today('09:00') }),
  /* 3 */ kase('T1', 'handling', { closeDeadlineAt: today('09:00'), deadlineAt: today('12:00') }),
  /* 4: suspended, not counted as due nor overdue */ kase('T1', 'suspended', { closeDeadlineAt: today('06:00'), deadlineAt: today('05:00') }),
  /* 5 */ kase('T2', 'closed', { closeDeadlineAt: today('06:00'), closedAt: today('05:00') }),
  /* 6 */ kase('T2', 'closed', { closeDeadlineAt: today('02:00'), closedAt: today('01:00') }),
  /* 7 */ kase('T2', 'verified', { closeDeadlineAt: today('09:30') }),
  /* 8: due for closure tomorrow, past its handling deadline */ kase('T2', 'dispatched', { closeDeadlineAt: today('23:00'), deadlineAt: today('09:00') }),
  /* 9: its dispatch stage's clock ran out */ kase('T3', 'registered', { closeDeadlineAt: Date.parse('2026-12-08T12:00:00+08:00'), stageDeadlineAt: today('09:59') }),
  /* 10: closed early, due after now */ kase('T3', 'closed', { closeDeadlineAt: today('12:00'), closedAt: yesterday('15:00') }),
  /* 11: due this very minute: in the cohort, not yet overdue */ kase('T1', 'handled', { closeDeadlineAt: NOW }),
  /* 12: void */ kase('T1', 'rejected', { closeDeadlineAt: today('03:00') }),
  /* 13 */ kase('T2', 'closed', { closeDeadlineAt: yesterday('09:00'), closedAt: yesterday('08:00') }),
  /* 14: closed after the same time yesterday */ kase('T2', 'closed', { closeDeadlineAt: yesterday('09:30'), closedAt: yesterday('11:00') }),
  /* 15 */ kase('T3', 'closed', { closeDeadlineAt: yesterday('08:00'), closedAt: yesterday('09:00') }),
];

const REPORTS = [
  today('00:00'), today('03:00'), today('09:59'), NOW, // today: 4 (both ends counted)
  yesterday('00:00'), yesterday('09:00'), yesterday('10:00'), // yesterday by 10:00: 3
  yesterday('10:30'), Date.parse('2026-12-04T23:00:00+08:00'), // neither
];

describe('the leader board', () => {
  it('counts a morning as worked out by hand', () => {
    const s = boardSummary({ now: NOW, dayStart: DAY_START, reportedAt: REPORTS, cases: CASES, crews: ['available', 'en_route', 'on_site', 'on_site', 'off_duty', 'offline'] });
    expect(BoardSummary.parse(s)).toEqual(s);
    expect(s).toEqual({
      at: '2026-12-06T02:00:00.000Z',
      dayStart: '2026-12-05T16:00:00.000Z',
      reports: { today: 4, yesterday: 3 },
      closure: {
        today: { due: 7, closed: 4, onTime: 3, closureRate: 4 / 7, onTimeClosureRate: 3 / 7 },
        yesterday: { due: 3, closed: 2, onTime: 1, closureRate: 2 / 3, onTimeClosureRate: 1 / 3 },
      },
      overdue: 4,
      crews: { onDuty: 4, working: 3, onSite: 2 },
      // T1: 4 due, 1 on time (25 %); T2: 3 due, 2 on time (67 %); T3: none due today.
      worstTown: { townCode: 'T1', rule: 'onTimeClosureRate', due: 4, onTimeClosureRate: 0.25, overdue: 1 },
    });
  });

  it('says nothing of a rate when nothing was due', () => {
    expect(dayClosure([], DAY_START, NOW)).toEqual({ due: 0, closed: 0, onTime: 0, closureRate: null, onTimeClosureRate: null });
  });

  it('overdue follows the clock that runs: handling only while a unit has the case', () => {
    expect(isOverdue(kase('T1', 'handled', { deadlineAt: today('09:00') }), NOW)).toBe(false);
    expect(isOverdue(kase('T1', 'handling', { deadlineAt: today('09:00') }), NOW)).toBe(true);
    expect(isOverdue(kase('T1', 'handling', { deadlineAt: NOW }), NOW)).toBe(false);
    expect(isOverdue(kase('T1', 'closed', { closeDeadlineAt: today('09:00') }), NOW)).toBe(false);
  });

  it('before any town has enough cases due, the worst town is the one with the most overdue', () => {
    const late = { deadlineAt: today('09:00') };
    const cases = [kase('T2', 'handling', late), kase('T3', 'handling', late), kase('T3', 'dispatched', late), kase('T1', 'closed', { closeDeadlineAt: today('08:00'), closedAt: today('09:00') })];
    expect(worstTown(cases, NOW, DAY_START)).toEqual({ townCode: 'T3', rule: 'overdue', due: 0, onTimeClosureRate: null, overdue: 2 });
    // A tie goes to the first code, so the board does not flicker between towns.
    expect(worstTown(cases.slice(0, 2), NOW, DAY_START)?.townCode).toBe('T2');
    expect(worstTown([], NOW, DAY_START)).toBeNull();
  });
});
