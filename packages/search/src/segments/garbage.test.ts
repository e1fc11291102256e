import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { garbageKeys, keptRetired } from './garbage';
import { newSegmentKey, newStateKey } from './segment-manifest';

describe('garbage collection rule', () => {
  it('never deletes a referenced blob, nor one unneeded for less than the grace period', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            createdMs: fc.integer({ min: 0, max: 1e9 }),
            retiredMs: fc.option(fc.integer({ min: 0, max: 1e9 }), { nil: undefined }),
            referenced: fc.boolean(),
            state: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 2e9 }),
        fc.integer({ min: 0, max: 1e8 }),
        (blobs, nowMs, graceMs) => {
          const keyed = blobs.map((b, i) => ({
            ...b,
            key: b.state ? newStateKey(i + 1, b.createdMs) : newSegmentKey('p0000', b.createdMs),
          }));
          const doomed = new Set(
            garbageKeys({
              listed: [...keyed.map((b) => b.key), 'snapshots/foreign.snap'],
              referenced: new Set(keyed.filter((b) => b.referenced).map((b) => b.key)),
              retiredAt: new Map(
                keyed.filter((b) => b.retiredMs !== undefined).map((b) => [b.key, b.retiredMs as number]),
              ),
              nowMs,
              graceMs,
            }),
          );
          expect(doomed.has('snapshots/foreign.snap')).toBe(false);
          for (const b of keyed) {
            const since = b.retiredMs ?? b.createdMs;
            expect(doomed.has(b.key)).toBe(!b.referenced && nowMs - since > graceMs);
          }
        },
      ),
    );
  });

  it('keeps retired entries for the grace period only', () => {
    const retired = [
      { key: 'a', at: 1_000 },
      { key: 'b', at: 5_000 },
    ];
    expect(keptRetired(retired, 6_000, 2_000)).toEqual([{ key: 'b', at: 5_000 }]);
  });
});
