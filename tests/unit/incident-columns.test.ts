import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncidentColumns } from '../../client/live/incidentColumns.js';
import type { Incident, IncidentStatus } from '../../shared/index.js';

function incident(id: string, status: IncidentStatus, lon = 119.95, code = 'E0102'): Incident {
  return {
    id, seq: 1, version: 1, categoryCode: code, lon, lat: 31.7, gridCode: '320412100001001', townCode: '320412100',
    communityCode: '320412100001', status, source: 'inspector', description: '', reportedAt: '2026-11-23T00:00:00.000Z',
    createdAt: '2026-11-23T00:00:00.000Z', updatedAt: '2026-11-23T00:00:00.000Z', deadlineAt: null, closeDeadlineAt: null, closedAt: null, reporter: null, reportedBy: null,
    unitCode: null, teamId: null, application: null, confirmedAt: null, urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null, stageDeadlineAt: null, mergedInto: null, callback: null, number: null,
  };
}

describe('the live incident column store', () => {
  it('matches a plain map of open incidents after any sequence of updates', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const op = fc.record({
      id: fc.constantFrom(...ids),
      status: fc.constantFrom<IncidentStatus>('reported', 'dispatched', 'closed', 'rejected'),
      lon: fc.double({ min: 119.9, max: 120, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const cols = new IncidentColumns(() => 2, 2);
        const model = new Map<string, Incident>();
        for (const o of ops) {
          const inc = incident(o.id, o.status, o.lon);
          cols.apply(inc);
          if (o.status === 'closed' || o.status === 'rejected') model.delete(o.id);
          else model.set(o.id, inc);
        }
        expect(cols.length).toBe(model.size);
        const rows = Array.from({ length: cols.length }, (_, r) => cols.incidentAt(r)!);
        expect(new Set(rows.map((r) => r.id))).toEqual(new Set(model.keys()));
        rows.forEach((r, i) => {
          expect(cols.positions[2 * i]).toBeCloseTo(model.get(r.id)!.lon, 4);
        });
      }),
    );
  });

  it('updates a row in place and hands deck.gl a new data object over the same arrays', () => {
    const cols = new IncidentColumns((code) => (code === 'C0101' ? 1 : 2));
    cols.apply(incident('a', 'reported'));
    cols.apply(incident('b', 'reported', 119.96, 'C0101'));
    const before = cols.layerData();
    cols.apply(incident('a', 'dispatched', 119.97));
    const after = cols.layerData();
    expect(after).not.toBe(before);
    expect(after.attributes.getPosition.value).toBe(before.attributes.getPosition.value);
    expect(cols.length).toBe(2);
    expect(cols.positions[0]).toBeCloseTo(119.97, 4);
    expect(cols.radii[1]).toBeGreaterThan(cols.radii[0]!);
    expect(Array.from(cols.colours.slice(4, 7))).toEqual([66, 165, 245]);
  });
});

describe('the column store data object', () => {
  it('stays the same object while nothing changes, so deck.gl does not re-upload', () => {
    const cols = new IncidentColumns();
    cols.apply(incident('a', 'reported'));
    expect(cols.layerData()).toBe(cols.layerData());
  });
});

describe('the column store beside a snapshot taken while events were committed', () => {
  const at = (i: Incident, seq: number): Incident => ({ ...i, seq, version: seq });

  it('ignores a state older than the one held, open or closed, until the stream has passed it', () => {
    const cols = new IncidentColumns();
    // The snapshot was read at seq 10 and shows a at 12 and b closed at 13.
    cols.replaceAll([at(incident('a', 'registered'), 12), at(incident('b', 'closed'), 13)], 10);
    expect(cols.length).toBe(1);
    // The stream replays 11 (a accepted) and 12, then b's older states 11 … 13.
    expect(cols.apply(at(incident('a', 'accepted'), 11))).toBe(false);
    expect(cols.apply(at(incident('b', 'handled'), 11))).toBe(false);
    expect(cols.incidentAt(cols.rowOfId('a'))!.status).toBe('registered');
    expect(cols.has('b')).toBe(false);
    expect(cols.apply(at(incident('a', 'registered'), 12))).toBe(true);
    expect(cols.apply(at(incident('b', 'closed'), 13))).toBe(true);
    cols.settle(13);
    // Past 13 nothing is remembered for b: a newer state of it is taken as it comes.
    expect(cols.apply(at(incident('b', 'reported'), 14))).toBe(true);
    expect(cols.has('b')).toBe(true);
  });

  it('replaces everything at once on a resync, even with lower seqs (a reset log)', () => {
    const cols = new IncidentColumns();
    cols.replaceAll([at(incident('a', 'reported'), 500)], 500);
    const version = cols.version;
    cols.replaceAll([at(incident('c', 'reported'), 3)], 3);
    expect(cols.version).toBeGreaterThan(version);
    expect(cols.length).toBe(1);
    expect(cols.has('a')).toBe(false);
    expect(cols.incidentAt(0)!.id).toBe('c');
  });
});
