/**
 * Time partitions of the archive: every article belongs to the period of its publication instant
 * (UTC). Periods are disjoint and ordered, so a date-filtered search touches only the partitions
 * whose range meets the filter, and sums of per-partition totals and facet counts are exact.
 *
 * @example partitionOf('2024-11-27T20:30:00Z', 'quarter') // '2024-Q4'
 */
export type PartitionPeriod = 'year' | 'quarter' | 'month';

/** The partition key of a publication instant (ISO string or epoch ms). Keys sort chronologically. */
export function partitionOf(publishedAt: string | number, period: PartitionPeriod): string {
  const date = new Date(publishedAt);
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError(`partitionOf: not a date: ${String(publishedAt)}`);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = date.getUTCMonth();
  switch (period) {
    case 'year':
      return year;
    case 'quarter':
      return `${year}-Q${Math.floor(month / 3) + 1}`;
    case 'month':
      return `${year}-${String(month + 1).padStart(2, '0')}`;
  }
}
