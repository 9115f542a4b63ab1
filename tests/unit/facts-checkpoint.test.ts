import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseFacts } from '../../server/evaluation/caseFacts.js';
import { checkpointBytes, decodeCheckpoint, encodeFacts, type CheckpointEntry } from '../../server/evaluation/factsCheckpoint.js';

/**
 * The checkpoint's encoding of the evaluation's facts (factsCheckpoint.ts): any facts read back equal,
 * field for field and in the fold's key order (the facts' digest is their JSON), nulls and empty
 * lists included; a damaged file is refused, not half read.
 */
const time = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const actor = fc.constantFrom('受理员 梁欣', '值班长 赵佳', '监督员 王芳', 'dispatcher-1');
const step = fc.record({ at: time, by: maybe(actor), onTime: fc.boolean() });

const facts: fc.Arbitrary<CaseFacts> = fc.record({
  id: fc.uuid(),
  seq: fc.integer({ min: 1, max: 10_000_000 }),
  townCode: fc.constantFrom('320412001', '320412400'),
  communityCode: fc.constantFrom('320412001001', '320412400003'),
  gridCode: fc.constantFrom('320412001001001', '320412400003069'),
  categoryCode: fc.constantFrom('C0102', 'E0102', 'E0506'),
  lon: fc.double({ min: 119.5, max: 120.2, noNaN: true }),
  lat: fc.double({ min: 31.4, max: 31.9, noNaN: true }),
  source: fc.constantFrom('inspector', 'hotline_12345', 'citizen_app', 'camera'),
  reportedAt: time,
  reportedBy: maybe(actor),
  intake: maybe(fc.record({ at: time, by: maybe(actor), onTime: fc.boolean(), rejected: fc.boolean() })),
  registered: maybe(step),
  closeDeadlineAt: maybe(time),
  closedAt: maybe(time),
  closureKind: fc.constantFrom(null, 'normal', 'overdue', 'erroneous'),
  close: maybe(step),
  suspensions: fc.array(fc.record({ from: time, until: maybe(time) }), { maxLength: 3 }),
  dispatches: fc.array(fc.record({ at: time, by: maybe(actor), onTime: fc.boolean(), fromRegistered: fc.boolean(), misdirected: fc.boolean() }), { maxLength: 3 }),
  stints: fc.array(
    fc.record({
      unitCode: fc.constantFrom('shuiwu', 'cgzf', '320412400'),
      dispatchedAt: time,
      deadlineAt: maybe(time),
      handledAt: maybe(time),
      reworks: fc.nat(5),
      extensions: fc.nat(3),
      endedAt: maybe(time),
      returned: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  confirms: fc.array(step, { maxLength: 2 }),
  verifications: fc.array(fc.record({ at: time, by: maybe(actor), onTime: fc.boolean(), passed: fc.boolean() }), { maxLength: 3 }),
  callback: maybe(fc.record({ reached: fc.boolean(), satisfaction: fc.constantFrom(null, 'satisfied', 'basically_satisfied', 'dissatisfied'), at: time })),
  last: fc.record({ status: fc.constantFrom('reported', 'dispatched', 'suspended', 'closed'), stageDeadlineAt: maybe(time), unitCode: maybe(fc.constantFrom('shuiwu', 'cgzf')), deadlineAt: maybe(time) }),
}) as fc.Arbitrary<CaseFacts>;

const entries = fc.array(
  fc.record({ facts, first: fc.integer({ min: 24_300, max: 24_320 }), span: fc.nat(3) }).map(({ facts: f, first, span }): CheckpointEntry => ({ facts: f, first, last: first + span })),
  { maxLength: 12 },
);

describe('the facts checkpoint encoding', () => {
  it('reads back what it wrote, field for field and in the same key order', () => {
    fc.assert(
      fc.property(entries, fc.nat(1_000_000), (es, seq) => {
        const back = decodeCheckpoint(checkpointBytes({ seq, anchor: 'a'.repeat(64) }, encodeFacts(es)));
        expect(back).not.toBeNull();
        expect(back!.seq).toBe(seq);
        expect(back!.anchor).toBe('a'.repeat(64));
        expect(back!.entries).toEqual(es);
        expect(JSON.stringify(back!.entries)).toBe(JSON.stringify(es));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a file cut short or with a byte changed in its header, rather than reading half of it', () => {
    fc.assert(
      fc.property(entries.filter((es) => es.length > 0), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (es, cut) => {
        const bytes = checkpointBytes({ seq: 1, anchor: 'b'.repeat(64) }, encodeFacts(es));
        expect(decodeCheckpoint(bytes.subarray(0, Math.floor(bytes.length * cut)))).toBeNull();
      }),
      { numRuns: 100 },
    );
    const bytes = Buffer.from(checkpointBytes({ seq: 1, anchor: 'c'.repeat(64) }, encodeFacts([])));
    bytes[6] = 0x7b; // the header's JSON no longer parses, or no longer says which fold made it
    expect(decodeCheckpoint(bytes)).toBeNull();
    expect(decodeCheckpoint(Buffer.from('not a checkpoint'))).toBeNull();
  });
});
