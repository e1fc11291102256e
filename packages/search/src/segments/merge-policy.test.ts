import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SEGMENTS, liveBytes, type SegmentSize, selectMerge } from './merge-policy';

/** Applies merges as the indexer does until the policy asks for none; returns bytes rewritten. */
function settle(segments: SegmentSize[], max: number, next: () => string): number {
  let rewritten = 0;
  for (let guard = 0; guard < 1000; guard++) {
    const keys = selectMerge(segments, { maxSegments: max });
    if (!keys) return rewritten;
    const chosen = segments.filter((s) => keys.includes(s.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(chosen).toHaveLength(keys.length);
    const bytes = chosen.reduce((sum, s) => sum + liveBytes(s), 0);
    const docs = chosen.reduce((sum, s) => sum + s.liveDocs, 0);
    rewritten += bytes;
    segments.splice(0, segments.length, ...segments.filter((s) => !keys.includes(s.key)), {
      key: next(),
      liveDocs: docs,
      deletedDocs: 0,
      bytes,
    });
  }
  throw new Error('the policy never settled');
}

const segment = fc.record({
  liveDocs: fc.integer({ min: 0, max: 10_000 }),
  deletedDocs: fc.integer({ min: 0, max: 5_000 }),
  bytesPerDoc: fc.integer({ min: 100, max: 2_000 }),
});

describe('tiered merge policy', () => {
  it('always settles at or under the segment bound, merging existing, distinct segments', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), (raw, max) => {
        let n = 0;
        const segments = raw.map((s) => ({
          key: `s${n++}`,
          liveDocs: s.liveDocs,
          deletedDocs: s.deletedDocs,
          bytes: (s.liveDocs + s.deletedDocs) * s.bytesPerDoc,
        }));
        settle(segments, max, () => `s${n++}`);
        expect(segments.length).toBeLessThanOrEqual(max);
        // Nothing left with more than the allowed share of deleted articles.
        for (const s of segments)
          expect(s.deletedDocs).toBeLessThanOrEqual(0.3 * (s.liveDocs + s.deletedDocs));
      }),
    );
  });

  it('asks for nothing when a partition is within bounds and has few deletes', () => {
    const segments = Array.from({ length: DEFAULT_MAX_SEGMENTS }, (_, i) => ({
      key: `s${i}`,
      liveDocs: 100 * (i + 1),
      deletedDocs: i,
      bytes: 50_000 * (i + 1),
    }));
    expect(selectMerge(segments)).toBeNull();
  });

  it('grows an archive in batches of 10 with write amplification near the bound for 10 segments', () => {
    // 10,000 batches of 10 articles (100k articles), 600 bytes an article: what the steady bench
    // drives through the indexer, here on sizes alone.
    const segments: SegmentSize[] = [];
    let n = 0;
    let written = 0;
    let most = 0;
    for (let batch = 0; batch < 10_000; batch++) {
      segments.push({ key: `s${n++}`, liveDocs: 10, deletedDocs: 0, bytes: 6_000 });
      written += 6_000;
      most = Math.max(most, segments.length);
      written += settle(segments, DEFAULT_MAX_SEGMENTS, () => `s${n++}`);
    }
    const held = segments.reduce((sum, s) => sum + s.bytes, 0);
    expect(most).toBeLessThanOrEqual(DEFAULT_MAX_SEGMENTS + 1);
    expect(written / held).toBeLessThan(7);
  });
});
