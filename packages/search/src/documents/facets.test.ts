import { describe, expect, it } from 'vitest';
import { MAX_FACET_BUCKETS } from '../query/limits';
import { FacetCodes, FacetCounter } from './facets';

const doc = (publishedAt: string, place: string | null, source: string | null, language = 'en') => ({
  publishedAt,
  place,
  source,
  language,
});

describe('facet codes', () => {
  it('count by code and report values: months chronological, others by count then name', () => {
    const codes = new FacetCodes();
    const docs = [
      doc('1987-03-02T10:00:00Z', 'London', 'Reuters'),
      doc('1986-12-31T23:59:59Z', 'Paris', 'Reuters'),
      doc('1987-03-20T10:00:00Z', 'Berlin', null),
      doc('1987-01-05T10:00:00Z', 'London', 'AP'),
      doc('1987-03-21T10:00:00Z', null, 'AP'),
      doc('1987-03-21T10:00:00Z', 'Paris', '', 'fr'),
    ];
    docs.forEach((d, shortId) => {
      codes.set(shortId * 3, d);
    });
    const counter = new FacetCounter(codes);
    for (const shortId of [0, 3, 6, 9, 12, 15]) counter.add(shortId);
    expect(counter.result()).toEqual({
      month: [
        { value: '1986-12', count: 1 },
        { value: '1987-01', count: 1 },
        { value: '1987-03', count: 4 },
      ],
      place: [
        { value: 'London', count: 2 },
        { value: 'Paris', count: 2 },
        { value: 'Berlin', count: 1 },
      ],
      source: [
        { value: 'AP', count: 2 },
        { value: 'Reuters', count: 2 },
      ],
      language: [
        { value: 'en', count: 5 },
        { value: 'fr', count: 1 },
      ],
    });
    // Only the documents added count; values no document added are left out.
    const some = new FacetCounter(codes);
    some.add(3);
    expect(some.result()).toEqual({
      month: [{ value: '1986-12', count: 1 }],
      place: [{ value: 'Paris', count: 1 }],
      source: [{ value: 'Reuters', count: 1 }],
      language: [{ value: 'en', count: 1 }],
    });
  });

  it('keeps at most MAX_FACET_BUCKETS places, most frequent first', () => {
    const codes = new FacetCodes();
    const n = MAX_FACET_BUCKETS + 5;
    let shortId = 0;
    for (let p = 0; p < n; p++) {
      for (let c = 0; c <= p; c++) codes.set(shortId++, doc('2024-01-01T00:00:00Z', `place${p}`, null));
    }
    const counter = new FacetCounter(codes);
    for (let i = 0; i < shortId; i++) counter.add(i);
    const place = counter.result().place;
    expect(place).toHaveLength(MAX_FACET_BUCKETS);
    expect(place[0]).toEqual({ value: `place${n - 1}`, count: n });
    expect(counter.result().source).toEqual([]);
  });
});
