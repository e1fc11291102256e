/**
 * Which segments of a partition to merge next: a tiered policy in the spirit of Lucene's
 * TieredMergePolicy, tuned for the two budgets this service has (docs/INDEX-LIFECYCLE.md):
 *
 * - at most {@link MergePolicyOptions.maxSegments} segments per partition, because every segment
 *   costs every query a vocabulary walk (statistics, prefix and fuzzy expansion);
 * - bytes rewritten (write amplification) as low as that allows, because every merge is work
 *   for the indexer and bytes written to the blob store.
 *
 * The rule: while a partition holds more than `maxSegments` segments, merge the `j` smallest
 * (j ≥ the number needed to get back under the bound) for which
 * `bytes rewritten / (j − 1)^exponent` is least. `bytes / (j − 1)` alone is the cost per segment
 * removed and always picks the two smallest (write amplification grows linearly with the number
 * of batches: 188 at 10k batches of 10, simulated); the exponent rewards merging many similar
 * small segments at once, which is what tiers do. Simulated with batches of 10 articles and at most
 * 10 segments (a scratch simulation of the rule below; the figures are bytes written ÷ bytes held):
 *
 * | batches | exponent 2 | 3 | **4** | 6 | Lucene-like tiers of 3 (+ forced merge over 10) |
 * | ------: | ---------: | -: | ----: | -: | ------: |
 * | 1,000   | 4.2 | 4.2 | **4.3** | 4.7 | 6.7 |
 * | 10,000  | 10.0 | 6.7 | **6.6** | 7.4 | 9.6 |
 * | 100,000 | 33.1 | 12.4 | **10.0** | 10.4 | 21.0 |
 *
 * Exponent 4 sits at the lower bound for a stack of 10 segments: with k segments and every article
 * rewritten at most w times one can absorb at most C(k+w, k) batches (the binomial bound of merge
 * scheduling), i.e. w ≥ 7 for 10⁴ batches and w ≥ 10 for 10⁵ with k = 10. Partitions are bounded in
 * size (partition-layout.ts), so one partition sees at most ~2×10⁴ batches of 10.
 *
 * Deleted articles: a segment whose deleted share exceeds `reclaimDeletedShare` is rewritten on its
 * own (dropping them), as Lucene's `deletesPctAllowed` does, so deletes cannot pile up in a large
 * segment that the count rule would rarely pick.
 */

export interface SegmentSize {
  key: string;
  /** Live articles. */
  liveDocs: number;
  /** Articles it still holds that delete markers say it no longer counts. */
  deletedDocs: number;
  /** Stored bytes of its blob. */
  bytes: number;
}

export interface MergePolicyOptions {
  /** Segments a partition may hold (default {@link DEFAULT_MAX_SEGMENTS}). */
  maxSegments?: number;
  /** Rewrite a segment alone once more than this share of its articles is deleted (default 0.3). */
  reclaimDeletedShare?: number;
  /** See the module comment (default 4). */
  exponent?: number;
}

export const DEFAULT_MAX_SEGMENTS = 10;
const DEFAULT_RECLAIM_SHARE = 0.3;
const DEFAULT_EXPONENT = 4;

/** Bytes the segment's live articles would take once rewritten (the deleted share dropped). */
export function liveBytes(segment: SegmentSize): number {
  const held = segment.liveDocs + segment.deletedDocs;
  return held === 0 ? 0 : (segment.bytes * segment.liveDocs) / held;
}

/**
 * The keys of the next merge for one partition's segments, or null when none is due. Call it
 * again after each merge (a partition far over the bound needs several).
 */
export function selectMerge(
  segments: readonly SegmentSize[],
  options: MergePolicyOptions = {},
): string[] | null {
  const max = Math.max(1, options.maxSegments ?? DEFAULT_MAX_SEGMENTS);
  const exponent = options.exponent ?? DEFAULT_EXPONENT;
  if (segments.length > max) {
    // Largest first; ties by key so the choice is deterministic.
    const sorted = [...segments].sort(
      (a, b) => liveBytes(b) - liveBytes(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    const needed = segments.length - max + 1;
    let best: string[] | null = null;
    let bestCost = Number.POSITIVE_INFINITY;
    let suffixBytes = 0;
    for (let j = 1; j <= sorted.length; j++) {
      suffixBytes += liveBytes(sorted[sorted.length - j] as SegmentSize);
      if (j < Math.max(2, needed)) continue;
      const cost = suffixBytes / (j - 1) ** exponent;
      if (cost < bestCost) {
        bestCost = cost;
        best = sorted.slice(sorted.length - j).map((s) => s.key);
      }
    }
    return best;
  }
  const share = options.reclaimDeletedShare ?? DEFAULT_RECLAIM_SHARE;
  let worst: SegmentSize | null = null;
  for (const segment of segments) {
    const held = segment.liveDocs + segment.deletedDocs;
    if (held === 0 || segment.deletedDocs / held <= share) continue;
    if (!worst || segment.deletedDocs > worst.deletedDocs) worst = segment;
  }
  return worst ? [worst.key] : null;
}
