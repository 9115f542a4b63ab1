import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OverdueWatch } from '../../server/case/overdueWatch.js';
import type { CaseOverdueMessage, IncidentStatus } from '../../shared/index.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const at = (s: number | undefined) => (s === undefined ? null : new Date(T0 + s * 1000).toISOString());
/** A case with its clocks in seconds from T0: the unit's handling deadline, its stage's, its closure deadline. */
const c = (id: string, clocks: { handle?: number; stage?: number; close?: number }, status: IncidentStatus = 'dispatched') => ({
  id, status, deadlineAt: at(clocks.handle), stageDeadlineAt: at(clocks.stage), closeDeadlineAt: at(clocks.close), townCode: '320412100', categoryCode: 'E0102',
});

describe('the overdue watch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('alerts each open case at the moment it passes its deadline, following extensions, closures and suspensions', () => {
    const alerts: { msg: CaseOverdueMessage; when: number }[] = [];
    const watch = new OverdueWatch((msg) => alerts.push({ msg, when: Date.now() - T0 }));
    watch.track(c('a', { handle: 10 }));
    watch.track(c('b', { handle: 20 }));
    watch.track(c('c', { handle: 30 }));
    watch.track(c('d', { handle: 40 }));
    // Handled: the unit's clock has stopped; the closure clock runs on.
    watch.track(c('e', { handle: 5 }, 'handled'));
    watch.track(c('f', { handle: 5, close: 15 }, 'handled'));
    watch.track(c('b', { handle: 50 })); // extended (延期)
    watch.track(c('c', { handle: 30 }, 'closed'));
    watch.track(c('d', { handle: 40 }, 'suspended')); // 挂账: not due
    vi.advanceTimersByTime(9_999);
    expect(alerts).toEqual([]);
    vi.advanceTimersByTime(5_001);
    expect(alerts.map((a) => [a.msg.caseId, a.msg.clock, a.when])).toEqual([['a', 'handling', 10_000], ['f', 'closure', 15_000]]);
    vi.advanceTimersByTime(60_000);
    expect(alerts.map((a) => [a.msg.caseId, a.msg.clock, a.when])).toEqual([['a', 'handling', 10_000], ['f', 'closure', 15_000], ['b', 'handling', 50_000]]);
    expect(alerts[2]!.msg).toEqual({ caseId: 'b', stage: 'handle', clock: 'handling', deadlineAt: at(50), townCode: '320412100', categoryCode: 'E0102' });
    watch.stop();
  });

  it('never alerts a case twice, nor one whose deadline has already passed when it is first seen', () => {
    const alerts: string[] = [];
    const watch = new OverdueWatch((m) => alerts.push(m.caseId));
    watch.track(c('late', { handle: -5 }));
    watch.track(c('x', { handle: 1 }));
    watch.track(c('x', { handle: 1 }));
    vi.advanceTimersByTime(10_000);
    expect(alerts).toEqual(['x']);
    watch.stop();
  });

  it('alerts a stage that runs over its own limit, the handling deadline while a unit has the case, and the closure deadline, each once', () => {
    const alerts: string[] = [];
    const watch = new OverdueWatch((m) => alerts.push(`${m.caseId} ${m.stage} ${m.clock} ${(Date.parse(m.deadlineAt) - T0) / 1000}`));
    watch.track(c('a', { stage: 10 }, 'reported')); // not accepted within its limit
    // A handling deadline left from before dispatch (an old row) does not run for a case the centre has.
    watch.track(c('o', { handle: 5, stage: 500 }, 'reported'));
    watch.track(c('b', { stage: 20 }, 'accepted'));
    watch.track(c('b', { stage: 50, close: 100 }, 'registered')); // registered in time: the dispatch clock replaces it, the closure clock starts
    watch.track(c('v', { handle: 10, stage: 30, close: 200 }, 'handled'));
    watch.track(c('v', { handle: 10, close: 200 }, 'closed')); // verified and closed before its verify limit
    watch.track(c('h', { handle: 70, close: 90 }));
    watch.track(c('r', { stage: 40, close: 1000 }, 'registered'));
    watch.track(c('r', { handle: 80, close: 1000 })); // dispatched in time: the unit's clock replaces the dispatch stage's
    vi.advanceTimersByTime(60_000);
    expect(alerts).toEqual(['a accept stage 10', 'b dispatch stage 50']);
    vi.advanceTimersByTime(60_000);
    expect(alerts).toEqual(['a accept stage 10', 'b dispatch stage 50', 'h handle handling 70', 'r handle handling 80', 'h handle closure 90', 'b dispatch closure 100']);
    watch.stop();
  });
});
