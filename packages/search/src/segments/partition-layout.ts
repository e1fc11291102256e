/**
 * Partitions that follow the archive's size, not the calendar. A partition is a contiguous range of
 * publication time, [start, next partition's start), holding a set of segments; the first one
 * reaches back without bound and the last one forward. Every segment of a partition holds only
 * articles of its range, so a date filter still skips what it cannot meet.
 *
 * Why by size: each segment costs every query a vocabulary walk, so what a query costs grows with
 * the number of segments, and a calendar partition per year made a query over an archive reaching
 * back 300 years 3.5× slower (one-article years each cost a walk). Here a partition spans as many
 * years as its size calls for: a new one is opened only when the newest is full, and it starts just
 * after the newest article then held, so time locality stays and nothing is rewritten.
 *
 * Why bounded at all: a partition is what a merge may rewrite at once (the largest merge costs one
 * partition, not the archive), what a partition host (another function instance) holds, and the
 * unit a date filter skips.
 */

export interface PartitionBounds {
  /** Stable id (`p0000`, `p0001`, … in time order); part of its segments' keys. */
  id: string;
  /** Start of its range, epoch ms (inclusive); null for the first partition (no lower bound). */
  startMs: number | null;
}

/**
 * Live articles a partition should grow to before the next one is opened: at 200,000 a partition
 * is about twice what one thread answered within the 100 ms p99 target in docs/SCALING.md, and
 * its largest merge (every article once) takes tens of seconds, not minutes.
 */
export const DEFAULT_PARTITION_TARGET = 200_000;

export function partitionId(sequence: number): string {
  return `p${String(sequence).padStart(4, '0')}`;
}

/** The one partition of an empty archive. */
export function initialLayout(): PartitionBounds[] {
  return [{ id: partitionId(0), startMs: null }];
}

/** The partition whose range holds instant `ms` (`layout` sorted by start, the first unbounded). */
export function partitionFor(layout: readonly PartitionBounds[], ms: number): PartitionBounds {
  let found = layout[0];
  if (!found) throw new Error('partition layout is empty');
  for (const partition of layout) {
    if (partition.startMs !== null && partition.startMs > ms) break;
    found = partition;
  }
  return found;
}

/**
 * The layout after the newest partition reached `target` live articles: a new partition starting
 * 1 ms after the newest article it holds (`newestMs`); unchanged while it is below the target.
 * Articles dated before that instant keep landing in the partitions whose range holds them.
 */
export function grownLayout(
  layout: readonly PartitionBounds[],
  newest: { liveDocs: number; newestMs: number | null },
  target: number = DEFAULT_PARTITION_TARGET,
): PartitionBounds[] {
  const last = layout.at(-1);
  if (!last || newest.liveDocs < target || newest.newestMs === null) return [...layout];
  if (last.startMs !== null && newest.newestMs < last.startMs) return [...layout];
  return [...layout, { id: partitionId(layout.length), startMs: newest.newestMs + 1 }];
}

/**
 * A layout for a known distribution (a rebuild): consecutive time buckets (e.g. years, oldest
 * first, with their article counts) grouped greedily into partitions of at most `target` articles
 * (a bucket larger than the target gets a partition of its own). Returns the layout and, for each
 * bucket, the partition it went to.
 */
export function layoutForBuckets(
  buckets: readonly { startMs: number; count: number }[],
  target: number = DEFAULT_PARTITION_TARGET,
): { layout: PartitionBounds[]; partitionOfBucket: string[] } {
  const layout: PartitionBounds[] = [];
  const partitionOfBucket: string[] = [];
  let filled = 0;
  for (const bucket of buckets) {
    if (layout.length === 0 || (filled > 0 && filled + bucket.count > target)) {
      layout.push({ id: partitionId(layout.length), startMs: layout.length === 0 ? null : bucket.startMs });
      filled = 0;
    }
    filled += bucket.count;
    partitionOfBucket.push((layout.at(-1) as PartitionBounds).id);
  }
  return { layout: layout.length > 0 ? layout : initialLayout(), partitionOfBucket };
}
