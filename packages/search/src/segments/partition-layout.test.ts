import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grownLayout, initialLayout, layoutForBuckets, partitionFor } from './partition-layout';

describe('partitions by size', () => {
  it('route every instant to the one partition whose range holds it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1e12 }), { maxLength: 8 }),
        fc.integer({ min: -1e12, max: 2e12 }),
        (starts, at) => {
          const sorted = [...starts].sort((a, b) => a - b);
          const layout = [
            { id: 'p0000', startMs: null },
            ...sorted.map((startMs, i) => ({ id: `p${String(i + 1).padStart(4, '0')}`, startMs })),
          ];
          const found = partitionFor(layout, at);
          const i = layout.indexOf(found);
          expect(found.startMs === null || found.startMs <= at).toBe(true);
          const next = layout[i + 1];
          expect(next === undefined || (next.startMs as number) > at).toBe(true);
        },
      ),
    );
  });

  it('open a new partition only when the newest is full, just after its newest article', () => {
    const layout = initialLayout();
    expect(grownLayout(layout, { liveDocs: 99, newestMs: 5_000 }, 100)).toEqual(layout);
    const grown = grownLayout(layout, { liveDocs: 100, newestMs: 5_000 }, 100);
    expect(grown).toEqual([...layout, { id: 'p0001', startMs: 5_001 }]);
    expect(partitionFor(grown, 5_000).id).toBe('p0000');
    expect(partitionFor(grown, 5_001).id).toBe('p0001');
  });

  it('group sparse years into as few partitions as their sizes call for', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 300 }), (counts) => {
        const buckets = counts.map((count, year) => ({ startMs: year * 1000, count }));
        const { layout, partitionOfBucket } = layoutForBuckets(buckets, 1_000);
        const total = counts.reduce((a, b) => a + b, 0);
        // Greedy grouping: at most twice the minimum number of partitions (plus one).
        expect(layout.length).toBeLessThanOrEqual(2 * Math.ceil(total / 1_000) + 1);
        // Buckets go to partitions in time order, and each partition's range holds its buckets.
        buckets.forEach((bucket, i) => {
          expect(partitionFor(layout, bucket.startMs).id).toBe(partitionOfBucket[i]);
        });
      }),
    );
  });
});
