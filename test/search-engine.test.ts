import { readFileSync } from 'node:fs';
import type { Article } from '@archive/core';
import type { SearchRequest } from '@archive/search';
import {
  ArchiveIndex,
  INDEX_DEFINITION_VERSION,
  PartitionedIndex,
  QueryError,
  SearchRequestError,
} from '@archive/search';
import { beforeAll, describe, expect, it } from 'vitest';

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/search-articles.json', import.meta.url), 'utf8'),
) as Article[];
const SAMPLE = 'syria-opposition-2024-11-27';

/** The articles behind the pipeline `/search` answers through (the coordinator over partitions). */
function build(articles: Article[] = fixtures): PartitionedIndex {
  const index = PartitionedIndex.empty();
  for (const a of articles) index.applyUpsert(a);
  return index;
}

function ids(index: PartitionedIndex, request: SearchRequest): string[] {
  return index.query(request).results.map((r) => r.id);
}

describe('search engine: acceptance checks on the fixture', () => {
  let index: PartitionedIndex;
  beforeAll(() => {
    index = build();
  });

  it('q=Geneva returns the sample first with Geneva marked', () => {
    const res = index.query({ q: 'Geneva' });
    expect(res.results[0]?.id).toBe(SAMPLE);
    expect(res.results[0]?.snippet).toContain('<mark>Geneva</mark>');
  });

  it('phrases are positional', () => {
    expect(ids(index, { q: '"peace initiative"' })).toContain(SAMPLE);
    expect(ids(index, { q: '"initiative peace"', mode: 'all' })).not.toContain(SAMPLE);
    expect(ids(index, { q: '"Friends of Syria"' })).toEqual([SAMPLE]);
  });

  it('date filters are inclusive and UTC', () => {
    expect(ids(index, { q: 'Kerry', from: '2024-11-01', to: '2024-11-30' })).toContain(SAMPLE);
    expect(ids(index, { q: 'Kerry', from: '2025-01-01' })).not.toContain(SAMPLE);
    expect(ids(index, { q: 'Kerry', to: '2024-11-27' })).toContain(SAMPLE);
    expect(ids(index, { q: 'Kerry', to: '2024-11-27T20:29:59Z' })).not.toContain(SAMPLE);
    // 22:30 at +02:00 is 20:30 UTC: inclusive bound.
    expect(ids(index, { q: 'Kerry', from: '2024-11-27T22:30:00+02:00' })).toContain(SAMPLE);
  });

  it("q=syria matches Syria's", () => {
    const res = index.query({ q: 'syria' });
    expect(res.results.map((r) => r.id)).toContain(SAMPLE);
    const hit = res.results.find((r) => r.id === SAMPLE);
    expect(hit?.snippet).toMatch(/<mark>Syria(’s|'s)?<\/mark>/);
    expect(hit?.titleHighlighted).toContain('<mark>Syria</mark> Opposition');
  });

  it('facets count the sample under 2024-11 and Jerusalem', () => {
    const res = index.query({ q: 'Kerry' });
    expect(res.facets.month).toContainEqual({ value: '2024-11', count: 1 });
    expect(res.facets.place).toContainEqual({ value: 'Jerusalem', count: 1 });
    expect(res.total).toBe(2);
  });
});

describe('search engine: query language', () => {
  const index = build();

  it('requires all words in mode=all and supports OR and exclusion', () => {
    expect(ids(index, { q: 'Kerry Amman', mode: 'all' }).sort()).toEqual(
      ['kerry-visit-amman', SAMPLE].sort(),
    );
    expect(ids(index, { q: 'Kerry refugees', mode: 'all' })).toEqual(['kerry-visit-amman']);
    expect(ids(index, { q: 'Kerry -refugees' })).toEqual([SAMPLE]);
    expect(ids(index, { q: 'refugees OR inflation' }).sort()).toEqual([
      'economy-report',
      'kerry-visit-amman',
    ]);
  });

  it('scopes words to fields', () => {
    expect(ids(index, { q: 'title:Kerry' })).toEqual(['kerry-visit-amman']);
    expect(ids(index, { q: 'body:Istanbul' })).toEqual([SAMPLE]);
    expect(ids(index, { q: 'title:Istanbul', mode: 'all' })).toEqual([]);
  });

  it('matches prefixes and fuzzy words, and marks what matched', () => {
    const prefix = index.query({ q: 'negotiat*' });
    expect(prefix.results.map((r) => r.id)).toContain('negotiations-stall');
    expect(prefix.results.find((r) => r.id === 'negotiations-stall')?.snippet).toContain(
      '<mark>negotiated</mark>',
    );
    const fuzzy = index.query({ q: 'Genevva~1' });
    expect(fuzzy.results[0]?.snippet).toContain('<mark>Geneva</mark>');
    const stemmed = index.query({ q: 'negotiations' });
    expect(stemmed.results.find((r) => r.id === 'negotiations-stall')?.snippet).toContain(
      '<mark>negotiating</mark>',
    );
  });

  it('folds diacritics and handles Arabic', () => {
    expect(ids(index, { q: 'zurich cafe' })).toEqual(['zurich-cafe-culture']);
    expect(ids(index, { q: 'Zürich' })).toEqual(['zurich-cafe-culture']);
    const arabic = index.query({ q: 'جنيف' });
    expect(arabic.results.map((r) => r.id)).toEqual(['arabic-news']);
    expect(arabic.results[0]?.snippet).toContain('<mark>جنيف</mark>');
  });

  it('escapes HTML in snippets and titles', () => {
    const res = index.query({ q: 'markup' });
    expect(res.results[0]?.snippet).toContain(
      '&lt;b&gt;bold&lt;/b&gt; <mark>markup</mark> &amp; &quot;quotes&quot;',
    );
    expect(res.results[0]?.titleHighlighted).toContain('&lt;script&gt;');
    expect(res.results[0]?.titleHighlighted).not.toContain('<script>');
  });

  it('a query of stop words finds nothing; an empty query lists by date', () => {
    expect(index.query({ q: 'the of and' }).total).toBe(0);
    const listed = index.query({});
    expect(listed.total).toBe(fixtures.length);
    expect(listed.query.sort).toBe('newest');
    expect(listed.results.map((r) => r.publishedAt)).toEqual(
      [...fixtures.map((a) => a.publishedAt)].sort().reverse().slice(0, 10),
    );
  });

  it('natural mode matches any word, ranked by BM25', () => {
    const res = index.query({ q: 'refugees inflation unknownword', mode: 'natural' });
    expect(res.results.map((r) => r.id)).toEqual(
      expect.arrayContaining(['economy-report', 'kerry-visit-amman']),
    );
  });

  it('offers didYouMean from the index vocabulary', () => {
    const res = index.query({ q: 'Genava' });
    expect(res.total).toBe(0);
    expect(res.didYouMean).toBe('geneva');
    expect(index.query({ q: 'title:Kery talks' }).didYouMean).toBe('title:kerry talks');
  });

  it('suggests completions as words, not stems', () => {
    const res = index.suggest('peace negot');
    expect(res.suggestions.map((s) => s.text)).toContain('peace negotiate');
    for (const s of res.suggestions) expect(s.text.startsWith('peace negot')).toBe(true);
    expect(index.suggest('n').suggestions).toEqual([]);
  });
});

describe('search engine: filters, sorting, paging', () => {
  const index = build();

  it('filters by place, source, language and tags (case-insensitive)', () => {
    expect(ids(index, { place: 'jerusalem' })).toEqual([SAMPLE]);
    expect(ids(index, { place: 'zurich' })).toEqual(['zurich-cafe-culture']);
    expect(ids(index, { source: 'wire service', sort: 'oldest' })).toEqual([
      SAMPLE,
      'negotiations-stall',
      'kerry-visit-amman',
    ]);
    expect(ids(index, { language: 'ar' })).toEqual(['arabic-news']);
    expect(ids(index, { tags: ['diplomacy', 'jordan'] })).toEqual(['kerry-visit-amman']);
    expect(ids(index, { q: 'talks', tags: ['syria'] }).sort()).toEqual([SAMPLE]);
  });

  it('sorts newest/oldest strictly by publishedAt', () => {
    const newest = index.query({ q: 'peace OR talks OR kerry OR rates', sort: 'newest' });
    const times = newest.results.map((r) => r.publishedAt);
    expect(times).toEqual([...times].sort().reverse());
    const oldest = index.query({ q: 'peace OR talks OR kerry OR rates', sort: 'oldest' });
    expect(oldest.results.map((r) => r.id)).toEqual(newest.results.map((r) => r.id).reverse());
  });

  it('pages through every hit exactly once, for every sort, with and without q', () => {
    const many: Article[] = [];
    for (let i = 0; i < 137; i++) {
      const base = fixtures[i % fixtures.length] as Article;
      const day = String(1 + (i % 28)).padStart(2, '0');
      many.push({
        ...base,
        id: `copy-${String(i).padStart(3, '0')}`,
        title: `Report ${i} on the archive`,
        paragraphs: [`Archive report number ${i}.`, ...(i % 3 === 0 ? ['Archive archive archive.'] : [])],
        publishedAt: `2024-0${1 + (i % 9)}-${day}T12:00:00Z`,
      });
    }
    const big = build(many);
    for (const request of [
      { q: 'archive' },
      { q: 'archive', sort: 'newest' as const },
      { q: 'archive', sort: 'oldest' as const },
      { sort: 'oldest' as const },
      {},
      { from: '2024-03-01', to: '2024-06-30' },
    ]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let total = -1;
      for (let guard = 0; guard < 100; guard++) {
        const page = big.query({ ...request, limit: 7, cursor });
        total = page.total;
        seen.push(...page.results.map((r) => r.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(total);
    }
  });

  it('rejects a cursor of another query and a forged one', () => {
    const page = index.query({ limit: 2 });
    expect(page.nextCursor).not.toBeNull();
    expect(() => index.query({ q: 'syria', cursor: page.nextCursor as string })).toThrow(SearchRequestError);
    expect(() => index.query({ cursor: 'not-a-cursor' })).toThrow(/cursor/);
  });

  it('rejects bad dates and empty ranges', () => {
    expect(() => index.query({ from: '27/11/2024' })).toThrow(SearchRequestError);
    expect(() => index.query({ from: '2024-02-30' })).toThrow(SearchRequestError);
    expect(() => index.query({ from: '2024-12-01', to: '2024-11-01' })).toThrow(/after/);
  });

  it('facets cover the whole filtered set, not just the page', () => {
    const res = index.query({ limit: 1 });
    expect(res.facets.month.reduce((s, b) => s + b.count, 0)).toBe(fixtures.length);
    expect(res.facets.source[0]).toEqual({ value: 'Wire Service', count: 3 });
  });
});

describe('search engine: guards', () => {
  const index = build();

  it('rejects hostile queries with a QueryError', () => {
    for (const q of ['a*', 'x~6', 'geneva~3', 'ab* cd* ef* gh* ij*']) {
      expect(() => index.query({ q }), q).toThrow(QueryError);
    }
    // More words than operators may carry, a word longer than any: refused when strict (or in
    // mode=all); the default mode reads them as plain words, bounded by choosing the words.
    expect(() => index.query({ q: '"w" '.repeat(40), strict: true })).toThrow(/at most 32 terms/);
    expect(() => index.query({ q: 'x'.repeat(600), mode: 'all' })).toThrow(QueryError);
    const five = 'peace~ kerry~ talks~ syria~ geneva~';
    expect(() => index.query({ q: five })).toThrow(/fuzzy/);
  });

  it('degrades fuzzy on short words to exact matching', () => {
    expect(ids(index, { q: 'war~2' })).toEqual(ids(index, { q: 'war' }));
  });
});

describe('ArchiveIndex life cycle', () => {
  it('keeps search results across serialize/deserialize and refuses other definitions', () => {
    const archive = build();
    const copy = PartitionedIndex.deserialize(archive.serialize());
    expect(copy.query({ q: 'Geneva' }).results).toEqual(archive.query({ q: 'Geneva' }).results);
    const index = ArchiveIndex.empty();
    for (const a of fixtures) index.applyUpsert(a);
    expect(ArchiveIndex.deserialize(index.serialize()).indexVersion).toBe(index.indexVersion);
    // Same length, so only the header's definition number changes.
    const other = Buffer.from(index.serialize());
    const at = other.indexOf(`"definition":${INDEX_DEFINITION_VERSION}`);
    expect(at).toBeGreaterThan(0);
    other.write(`"definition":${INDEX_DEFINITION_VERSION + 1}`, at);
    expect(() => ArchiveIndex.deserialize(other)).toThrow(/definition/);
  });

  it('reflects replacements and removals', () => {
    const index = build();
    const sample = fixtures[0] as Article;
    index.applyUpsert({ ...sample, version: 2, paragraphs: ['Entirely new text about Oslo.'] });
    expect(ids(index, { q: 'Geneva' })).not.toContain(SAMPLE);
    expect(ids(index, { q: 'Oslo' })).toEqual([SAMPLE]);
    index.applyRemove(SAMPLE, 3);
    expect(ids(index, { q: 'Oslo' })).toEqual([]);
    expect(ids(index, { place: 'Jerusalem' })).toEqual([]);
  });
});
