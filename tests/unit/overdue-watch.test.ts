import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OverdueWatch } from '../../server/case/overdueWatch.js';
import type { CaseOverdueMessage, IncidentStatus } from '../../shared/index.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const c = (id: string, deadlineS: number, status: IncidentStatus = 'dispatched', stageS: number | null = null) => ({
  id, status, deadlineAt: at(deadlineS), stageDeadlineAt: stageS === null ? null : at(stageS), townCode: '320412100', categoryCode: 'E0102',
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
    watch.track(c('a', 10));
    watch.track(c('b', 20));
    watch.track(c('c', 30));
    watch.track(c('d', 40));
    watch.track(c('e', 5, 'handled'));
    watch.track(c('b', 50)); // extended (延期)
    watch.track(c('c', 30, 'closed'));
    watch.track(c('d', 40, 'suspended')); // 挂账: not due
    vi.advanceTimersByTime(4_999);
    expect(alerts).toEqual([]);
    vi.advanceTimersByTime(5_001);
    expect(alerts.map((a) => [a.msg.caseId, a.when])).toEqual([['e', 5_000], ['a', 10_000]]);
    vi.advanceTimersByTime(60_000);
    expect(alerts.map((a) => [a.msg.caseId, a.when])).toEqual([['e', 5_000], ['a', 10_000], ['b', 50_000]]);
    expect(alerts[2]!.msg.deadlineAt).toBe(at(50));
    watch.stop();
  });

  it('never alerts a case twice, nor one whose deadline has already passed when it is first seen', () => {
    const alerts: string[] = [];
    const watch = new OverdueWatch((m) => alerts.push(m.caseId));
    watch.track(c('late', -5));
    watch.track(c('x', 1));
    watch.track(c('x', 1));
    vi.advanceTimersByTime(10_000);
    expect(alerts).toEqual(['x']);
    watch.stop();
  });

  it('alerts a stage that runs over its own limit, and the handling deadline after it, each once', () => {
    const alerts: string[] = [];
    const watch = new OverdueWatch((m) => alerts.push(`${m.caseId} ${m.stage} ${(Date.parse(m.deadlineAt) - T0) / 1000}`));
    watch.track(c('a', 100, 'reported', 10)); // not accepted within its limit
    watch.track(c('b', 100, 'accepted', 20));
    watch.track(c('b', 100, 'registered', 50)); // registered in time: the dispatch clock replaces it
    watch.track(c('v', 200, 'handled', 30));
    watch.track(c('v', 200, 'closed')); // verified and closed before its verify limit
    vi.advanceTimersByTime(60_000);
    expect(alerts).toEqual(['a accept 10', 'b dispatch 50']);
    vi.advanceTimersByTime(60_000);
    expect(alerts).toEqual(['a accept 10', 'b dispatch 50', 'a handle 100', 'b handle 100']);
    watch.stop();
  });
});
