import type { Article } from '@archive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suggest } from '../query/suggest';
import { RERANK_DEPTH } from '../ranking/proximity';
import {
  allPages,
  article,
  build,
  corpus,
  oracle,
  query,
  request,
  word,
} from '../testing/exactness-arbitraries';
import { runSearch } from '../testing/reference-search';
import { escapeHtml } from '../text/snippet';
import { PartitionedIndex } from './partitioned-index';
import { type PartitionPeriod, partitionOf } from './period';

/**
 * The partitioned index must answer exactly as one index over the same articles: same hits in the
 * same order, the same totals, facets, cursors' paging, suggestions and spelling fixes. Scores
 * equal up to floating-point rounding (the average field length is combined from partitions).
 */

describe('PartitionedIndex answers as one index over the same articles', () => {
  it('for random corpora and requests, through every page', () => {
    let withHits = 0;
    let multiPage = 0;
    let manyPartitions = 0;
    fc.assert(
      fc.property(corpus, request, (articles, req) => {
        const { single, partitioned } = build(articles);
        const expected = allPages(oracle(single), req);
        expect(allPages(partitioned, req)).toEqual(expected);
        if ((expected[0]?.total ?? 0) > 0) withHits++;
        if (expected.length > 1) multiPage++;
        if (partitioned.partitionKeys().length > 3) manyPartitions++;
      }),
      { numRuns: 150 },
    );
    // The property is only as good as its cases: most find something, many page, most are split.
    expect(withHits).toBeGreaterThan(75);
    expect(multiPage).toBeGreaterThan(30);
    expect(manyPartitions).toBeGreaterThan(75);
  });

  it('past the proximity re-rank depth (more hits than RERANK_DEPTH, pages beyond it)', () => {
    const [articles] = fc.sample(
      corpus
        .filter(() => true)
        .chain(() =>
          fc
            .array(
              fc.record({
                title: fc.array(word, { minLength: 1, maxLength: 4 }),
                body: fc.array(fc.array(word, { minLength: 4, maxLength: 16 }), {
                  minLength: 1,
                  maxLength: 3,
                }),
                day: fc.integer({ min: 0, max: 700 }),
                place: fc.nat(),
              }),
              { minLength: 400, maxLength: 400 },
            )
            .map((records) => records.map((r, n) => article(n, r.title, r.body, r.day, r.place))),
        ),
      { numRuns: 1, seed: 5 },
    );
    // Two large partitions, so that each holds more hits than one page plus the re-rank depth.
    const { single, partitioned } = build(articles as Article[], 'year');
    for (const q of ['geneva talks', 'peace OR border', 'market oil']) {
      const expected = allPages(oracle(single), { q, limit: 7 });
      expect(expected[0]?.total).toBeGreaterThan(RERANK_DEPTH);
      expect(allPages(partitioned, { q, limit: 7 })).toEqual(expected);
    }
  });

  it('without snippets: the same hits, pages and counts, with no passage and the title only escaped', () => {
    fc.assert(
      fc.property(corpus, request, (articles, req) => {
        const { partitioned } = build(articles);
        const full = allPages(partitioned, req);
        const bare = allPages(partitioned, { ...req, snippets: false });
        expect(bare).toEqual(
          full.map((page) => ({
            ...page,
            hits: page.hits.map((hit) => ({ ...hit, titleHighlighted: escapeHtml(hit.title), snippet: '' })),
          })),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('for suggestions and spelling fixes', () => {
    fc.assert(
      fc.property(corpus, word, (articles, w) => {
        const { single, partitioned } = build(articles);
        expect(partitioned.suggest(w.slice(0, 2))).toEqual(suggest(single, w.slice(0, 2)));
        const typo = `${w.slice(0, -1)}x`;
        expect(partitioned.query({ q: typo }).didYouMean).toEqual(runSearch(single, { q: typo }).didYouMean);
      }),
      { numRuns: 60 },
    );
  });

  it('after updates and removals, and across a snapshot round trip', () => {
    fc.assert(
      fc.property(corpus, fc.array(fc.nat(), { maxLength: 10 }), query, (articles, removals, q) => {
        const { single, partitioned } = build(articles);
        for (const n of removals) {
          const victim = articles[n % articles.length] as Article;
          single.applyRemove(victim.id, 2);
          partitioned.applyRemove(victim.id, 2);
        }
        const loaded = PartitionedIndex.deserialize(partitioned.serialize());
        expect(loaded.size).toBe(single.size);
        expect(allPages(loaded, { q, limit: 3 })).toEqual(allPages(oracle(single), { q, limit: 3 }));
      }),
      { numRuns: 60 },
    );
  });
});

describe('PartitionedIndex life cycle', () => {
  const a = (n: number, day: number, version = 1) => ({
    ...article(n, ['geneva'], [['talks']], day, 0),
    version,
  });

  it('applies each article version once, in any order, and keeps tombstones of unseen ids', () => {
    const index = PartitionedIndex.empty('quarter');
    expect(index.applyUpsert(a(1, 10, 2))).toBe(true);
    expect(index.applyUpsert(a(1, 10, 1))).toBe(false);
    expect(index.applyRemove('a9', 3)).toBe(true);
    expect(index.applyUpsert(a(9, 200, 2))).toBe(false);
    expect(index.versionOf('a9')).toBe(3);
    const copy = PartitionedIndex.deserialize(index.serialize());
    expect(copy.applyUpsert(a(9, 200, 3))).toBe(false);
    expect(copy.applyUpsert(a(9, 200, 4))).toBe(true);
    expect(copy.has('a9')).toBe(true);
    expect(copy.partitionKeys()).toEqual(['2023-Q1', '2023-Q3']);
  });

  it('moves an article whose new version falls in another period, and removes it from there', () => {
    const index = PartitionedIndex.empty('quarter');
    index.applyUpsert(a(1, 10, 1));
    expect(index.applyUpsert(a(1, 200, 2))).toBe(true);
    expect(index.search('geneva').map((h) => h.publishedAt.slice(0, 7))).toEqual(['2023-07']);
    expect(index.versionOf('a1')).toBe(2);
    expect(index.applyRemove('a1', 3)).toBe(true);
    expect(index.has('a1')).toBe(false);
    expect(index.search('geneva')).toEqual([]);
    expect(index.applyUpsert(a(1, 10, 3))).toBe(false);
  });

  it('re-encodes only the partitions that changed', () => {
    const index = PartitionedIndex.empty('quarter');
    index.applyUpsert(a(1, 10));
    index.applyUpsert(a(2, 200));
    const loaded = PartitionedIndex.deserialize(index.serialize());
    const q1 = loaded.partition('2023-Q1');
    const before = q1?.serialize.bind(q1);
    let encodedQ1 = 0;
    if (q1) {
      q1.serialize = () => {
        encodedQ1++;
        return (before as () => Uint8Array)();
      };
    }
    loaded.applyUpsert(a(3, 210));
    const again = PartitionedIndex.deserialize(loaded.serialize());
    expect(encodedQ1).toBe(0);
    expect(
      again
        .search('geneva')
        .map((h) => h.id)
        .sort(),
    ).toEqual(['a1', 'a2', 'a3']);
  });
});

describe('partition periods', () => {
  const instant = fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true });
  const period = fc.constantFrom('year', 'quarter', 'month') as fc.Arbitrary<PartitionPeriod>;
  /** The calendar period of an instant, as numbers (UTC). */
  const periodOf = (d: Date, p: PartitionPeriod) => [
    d.getUTCFullYear(),
    p === 'year' ? 0 : p === 'quarter' ? Math.floor(d.getUTCMonth() / 3) : d.getUTCMonth(),
  ];

  it('give instants of one period one key, and keys sort as their periods do', () => {
    fc.assert(
      fc.property(instant, instant, period, (a, b, p) => {
        const [ka, kb] = [partitionOf(a.toISOString(), p), partitionOf(b.getTime(), p)];
        const [pa, pb] = [periodOf(a, p), periodOf(b, p)];
        expect(ka === kb).toBe(pa[0] === pb[0] && pa[1] === pb[1]);
        if (a.getTime() < b.getTime()) expect(ka <= kb).toBe(true);
      }),
    );
  });
});
