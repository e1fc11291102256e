import type { Article } from '@archive/core';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { AUTO_HISTOGRAM_BUCKETS, MAX_HISTOGRAM_BUCKETS } from '../query/limits';
import { SearchRequestError } from '../query/search-error';
import { runSearch } from '../testing/reference-search';
import { ArchiveIndex } from './archive-index';
import { buildHistogram, DayCounter } from './histogram';

function article(n: number, publishedAt: string, place: string): Article {
  return {
    id: `h${n}`,
    title: `Harvest report ${n}`,
    paragraphs: [n % 2 ? 'Wheat harvest in the north.' : 'Copper prices at the market.'],
    caption: null,
    publishedAt,
    localTime: publishedAt,
    timeZone: 'UTC',
    place,
    language: 'en',
    source: 'Wire',
    url: null,
    tags: [],
    version: 1,
    contentHash: String(n).padStart(64, '0'),
    previousHash: null,
    ingestedAt: publishedAt,
    updatedAt: publishedAt,
  };
}

describe('buildHistogram', () => {
  const days: [string, number][] = [
    ['2024-03-01', 2],
    ['2024-03-04', 1],
    ['2024-03-31', 3],
    ['2024-05-02', 1],
  ];

  it('fills every bucket from the first hit to the last, empty ones included', () => {
    const byDay = buildHistogram(days, 'day', 'UTC');
    expect(byDay.buckets).toHaveLength(63);
    expect(byDay.buckets[0]).toEqual({ start: '2024-03-01', end: '2024-03-01', count: 2 });
    expect(byDay.buckets[1]).toEqual({ start: '2024-03-02', end: '2024-03-02', count: 0 });
    expect(byDay.buckets.reduce((s, b) => s + b.count, 0)).toBe(7);
  });

  it('weeks start on Monday; months and years are calendar ones', () => {
    const weeks = buildHistogram(days, 'week', 'UTC').buckets;
    // 2024-03-01 is a Friday: its week starts Monday 2024-02-26.
    expect(weeks[0]).toEqual({ start: '2024-02-26', end: '2024-03-03', count: 2 });
    expect(weeks[1]).toEqual({ start: '2024-03-04', end: '2024-03-10', count: 1 });
    for (const w of weeks) expect(new Date(`${w.start}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(buildHistogram(days, 'month', 'UTC').buckets).toEqual([
      { start: '2024-03-01', end: '2024-03-31', count: 6 },
      { start: '2024-04-01', end: '2024-04-30', count: 0 },
      { start: '2024-05-01', end: '2024-05-31', count: 1 },
    ]);
    expect(buildHistogram(days, 'year', 'UTC').buckets).toEqual([
      { start: '2024-01-01', end: '2024-12-31', count: 7 },
    ]);
  });

  it('auto picks the finest interval with at most AUTO_HISTOGRAM_BUCKETS buckets', () => {
    expect(buildHistogram(days, 'auto', 'UTC').interval).toBe('day');
    const long: [string, number][] = [
      ['2000-01-01', 1],
      ['2009-12-31', 1],
    ];
    const auto = buildHistogram(long, 'auto', 'UTC');
    expect(auto.interval).toBe('month');
    expect(auto.buckets.length).toBeLessThanOrEqual(AUTO_HISTOGRAM_BUCKETS);
    expect(buildHistogram([], 'auto', 'UTC').buckets).toEqual([]);
  });

  it('refuses more than MAX_HISTOGRAM_BUCKETS buckets and names a coarser interval', () => {
    const long: [string, number][] = [
      ['2000-01-01', 1],
      ['2009-12-31', 1],
    ];
    try {
      buildHistogram(long, 'day', 'UTC');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SearchRequestError);
      expect((error as SearchRequestError).code).toBe('too_many_buckets');
      expect((error as SearchRequestError).details).toMatchObject({
        limit: MAX_HISTOGRAM_BUCKETS,
        suggestion: 'week',
      });
    }
  });
});

describe('DayCounter', () => {
  it('counts instants by local calendar day, across DST changes, as luxon reads them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2025, 0, 1) }), { maxLength: 60 }),
        fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'),
        (instants, zone) => {
          const counter = new DayCounter(zone);
          const expected = new Map<string, number>();
          for (const ms of instants) {
            counter.add(ms);
            const date = DateTime.fromMillis(ms, { zone }).toISODate() as string;
            expected.set(date, (expected.get(date) ?? 0) + 1);
          }
          expect(new Map(counter.counts())).toEqual(expected);
        },
      ),
    );
  });
});

describe('search with histogram', () => {
  const articles = [
    article(1, '2024-03-01T23:30:00Z', 'Tokyo'),
    article(2, '2024-03-02T01:00:00Z', 'Tokyo'),
    article(3, '2024-03-09T12:00:00Z', 'Lima'),
    article(4, '2024-04-20T12:00:00Z', 'Lima'),
  ];
  const index = ArchiveIndex.empty();
  for (const a of articles) index.applyUpsert(a);

  it('counts the whole filtered result set, not the page', () => {
    const res = runSearch(index, { q: 'harvest', histogram: 'day', limit: 1 });
    expect(res.results).toHaveLength(1);
    expect(res.histogram?.buckets.reduce((s, b) => s + b.count, 0)).toBe(res.total);
    const listed = runSearch(index, { place: 'Lima', histogram: 'month' });
    expect(listed.histogram).toEqual({
      interval: 'month',
      timeZone: 'UTC',
      buckets: [
        { start: '2024-03-01', end: '2024-03-31', count: 1 },
        { start: '2024-04-01', end: '2024-04-30', count: 1 },
      ],
    });
    expect(runSearch(index, { q: 'harvest' }).histogram).toBeUndefined();
  });

  it('buckets in the tz given, which also reads date-only bounds', () => {
    const utc = runSearch(index, { histogram: 'day', to: '2024-03-05' });
    expect(utc.histogram?.buckets.slice(0, 2)).toEqual([
      { start: '2024-03-01', end: '2024-03-01', count: 1 },
      { start: '2024-03-02', end: '2024-03-02', count: 1 },
    ]);
    // 23:30 UTC on the 1st is 08:30 on the 2nd in Tokyo.
    const tokyo = runSearch(index, { histogram: 'day', tz: 'Asia/Tokyo', to: '2024-03-05' });
    expect(tokyo.histogram?.timeZone).toBe('Asia/Tokyo');
    expect(tokyo.histogram?.buckets).toEqual([{ start: '2024-03-02', end: '2024-03-02', count: 2 }]);
    expect(runSearch(index, { tz: 'Asia/Tokyo', from: '2024-03-02', to: '2024-03-02' }).total).toBe(2);
    expect(runSearch(index, { from: '2024-03-02', to: '2024-03-02' }).total).toBe(1);
  });

  it('refuses a zone that is not IANA', () => {
    expect(() => runSearch(index, { histogram: 'day', tz: 'Mars/Olympus' })).toThrow(SearchRequestError);
  });
});
