import { IANAZone } from 'luxon';
import { AUTO_HISTOGRAM_BUCKETS, MAX_HISTOGRAM_BUCKETS } from '../query/limits';
import { SearchRequestError } from '../query/search-error';

/**
 * The coverage timeline: how many articles of the whole filtered result set fall in each day,
 * week, month or year, in a time zone (a newsroom's local calendar, UTC by default).
 *
 * Every hit is counted into its local day (one offset lookup per 15-minute slot, cached: zone
 * transitions fall on quarter hours, so the offset is constant within a slot), and days are then
 * rolled up into the requested interval. Day counts merge exactly across time partitions (they are
 * sums by calendar day), so the partitioned search answers the same histogram as a single index.
 */

export const HISTOGRAM_INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type HistogramInterval = (typeof HISTOGRAM_INTERVALS)[number];
/** `auto`: the finest interval that gives at most AUTO_HISTOGRAM_BUCKETS buckets. */
export type HistogramRequest = HistogramInterval | 'auto';

export interface HistogramBucket {
  /** First local date of the bucket, `YYYY-MM-DD`. */
  start: string;
  /** Last local date of the bucket (inclusive), `YYYY-MM-DD`. */
  end: string;
  count: number;
}

export interface Histogram {
  interval: HistogramInterval;
  timeZone: string;
  /** Consecutive buckets from the first to the last that holds a hit, empty ones included. */
  buckets: HistogramBucket[];
}

const DAY_MS = 86_400_000;
const SLOT_MS = 900_000;

/** The IANA zone `tz` names (UTC when absent), or a 400 naming the parameter. */
export function resolveTimeZone(tz: string | undefined): string {
  if (tz === undefined || tz === '') return 'UTC';
  if (tz.length > 64 || !IANAZone.isValidZone(tz)) {
    throw new SearchRequestError('invalid_time_zone', `tz must be an IANA time zone such as Europe/London`, {
      parameter: 'tz',
      value: tz,
    });
  }
  return tz;
}

/** Counts instants by local calendar day (days since 1970-01-01 in the zone). */
export class DayCounter {
  private readonly zone: IANAZone | null;
  private readonly offsets = new Map<number, number>();
  private readonly days = new Map<number, number>();

  constructor(timeZone: string) {
    this.zone = timeZone === 'UTC' ? null : IANAZone.create(timeZone);
  }

  add(ms: number): void {
    const day = Math.floor((ms + this.offsetMs(ms)) / DAY_MS);
    this.days.set(day, (this.days.get(day) ?? 0) + 1);
  }

  /** Counts by local date (`YYYY-MM-DD`), unordered. */
  counts(): [string, number][] {
    return [...this.days].map(([day, n]) => [dateOfDay(day), n]);
  }

  private offsetMs(ms: number): number {
    if (!this.zone) return 0;
    const slot = Math.floor(ms / SLOT_MS);
    let offset = this.offsets.get(slot);
    if (offset === undefined) {
      offset = this.zone.offset(slot * SLOT_MS) * 60_000;
      this.offsets.set(slot, offset);
    }
    return offset;
  }
}

/** Sums day counts of disjoint sets (partitions). */
export function addDayCounts(into: Map<string, number>, counts: Iterable<[string, number]>): void {
  for (const [date, n] of counts) into.set(date, (into.get(date) ?? 0) + n);
}

function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function dayOfDate(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** First day (days since epoch) of the bucket of `day`, and the first day of the next bucket. */
function bucketOf(interval: HistogramInterval, day: number): [number, number] {
  if (interval === 'day') return [day, day + 1];
  // 1970-01-01 was a Thursday; ISO weeks start on Monday.
  if (interval === 'week') {
    const start = day - ((((day + 3) % 7) + 7) % 7);
    return [start, start + 7];
  }
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  if (interval === 'year') return [Date.UTC(year, 0, 1) / DAY_MS, Date.UTC(year + 1, 0, 1) / DAY_MS];
  const month = date.getUTCMonth();
  return [Date.UTC(year, month, 1) / DAY_MS, Date.UTC(year, month + 1, 1) / DAY_MS];
}

function bucketCount(interval: HistogramInterval, first: number, last: number): number {
  let n = 0;
  for (let start = bucketOf(interval, first)[0]; start <= last; start = bucketOf(interval, start)[1]) {
    n++;
    if (n > MAX_HISTOGRAM_BUCKETS) break;
  }
  return n;
}

/**
 * The histogram of day counts in `interval` (or the finest interval with at most
 * AUTO_HISTOGRAM_BUCKETS buckets). More than MAX_HISTOGRAM_BUCKETS buckets is a 400 that names a
 * coarser interval.
 */
export function buildHistogram(
  dayCounts: Iterable<[string, number]>,
  requested: HistogramRequest,
  timeZone: string,
): Histogram {
  const byDay = new Map<number, number>();
  for (const [date, n] of dayCounts)
    if (n > 0) byDay.set(dayOfDate(date), (byDay.get(dayOfDate(date)) ?? 0) + n);
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) {
    return { interval: requested === 'auto' ? 'day' : requested, timeZone, buckets: [] };
  }
  const interval =
    requested === 'auto'
      ? (HISTOGRAM_INTERVALS.find((i) => bucketCount(i, first, last) <= AUTO_HISTOGRAM_BUCKETS) ?? 'year')
      : requested;
  const needed = bucketCount(interval, first, last);
  if (needed > MAX_HISTOGRAM_BUCKETS) {
    const coarser = HISTOGRAM_INTERVALS.find((i) => bucketCount(i, first, last) <= MAX_HISTOGRAM_BUCKETS);
    throw new SearchRequestError(
      'too_many_buckets',
      `histogram=${interval} would give more than ${MAX_HISTOGRAM_BUCKETS} buckets for this result set; ` +
        `narrow the date range or use a coarser interval${coarser ? ` (${coarser})` : ''}`,
      { parameter: 'histogram', limit: MAX_HISTOGRAM_BUCKETS, ...(coarser ? { suggestion: coarser } : {}) },
    );
  }
  const buckets: HistogramBucket[] = [];
  let d = 0;
  for (
    let [start, next] = bucketOf(interval, first);
    start <= last;
    [start, next] = bucketOf(interval, next)
  ) {
    let count = 0;
    for (; d < days.length && (days[d] as number) < next; d++) count += byDay.get(days[d] as number) ?? 0;
    buckets.push({ start: dateOfDay(start), end: dateOfDay(next - 1), count });
  }
  return { interval, timeZone, buckets };
}
