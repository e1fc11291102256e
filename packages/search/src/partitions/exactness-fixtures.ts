import type { Article } from '@archive/core';
import fc from 'fast-check';
import type { ArchiveIndex } from '../documents/archive-index';
import { runSearch } from '../documents/search';
import type { SearchRequest, SearchResponse } from '../documents/search-types';

/**
 * Test support for the exactness properties (partitions, segments): random articles over a small
 * vocabulary, random queries of every kind, and what a client observes of a response.
 */

// Distinct stems, so that every word has one surface form whichever partition is asked.
export const WORDS = [
  'constructor',
  'geneva',
  'talks',
  'peace',
  'border',
  'harvest',
  'wheat',
  'market',
  'oil',
  'tanker',
  'storm',
  'election',
  'senate',
  'budget',
  'strike',
  'railway',
  'copper',
  'refugee',
  'summit',
  'drought',
  'genoa',
  'gravel',
  'garden',
  'ceasefire',
  'minister',
];
const PLACES = ['Jerusalem', 'Beirut', 'Amman', null];
const SOURCES = ['Wire', 'Desk', null];

/** Article `a<n>` published `day` days into 2023 (plus n minutes, so instants differ). */
export function testArticle(
  n: number,
  title: string,
  paragraphs: string[],
  day: number,
  place: number,
  version = 1,
): Article {
  const publishedAt = new Date(Date.UTC(2023, 0, 1) + day * 86_400_000 + n * 60_000).toISOString();
  return {
    id: `a${n}`,
    title,
    paragraphs,
    caption: null,
    publishedAt,
    localTime: publishedAt,
    timeZone: 'UTC',
    place: PLACES[place % PLACES.length] ?? null,
    language: 'en',
    source: SOURCES[n % SOURCES.length] ?? null,
    url: null,
    tags: [],
    version,
    contentHash: String(n).padStart(64, '0'),
    previousHash: null,
    ingestedAt: publishedAt,
    updatedAt: publishedAt,
  };
}

export const word = fc.constantFrom(...WORDS);

export const query = fc.oneof(
  word,
  fc.tuple(word, word).map(([a, b]) => `${a} ${b}`),
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`),
  fc.tuple(word, word).map(([a, b]) => `${a} OR ${b}`),
  fc.tuple(word, word).map(([a, b]) => `${a} -${b}`),
  word.map((w) => `${w.slice(0, 3)}*`),
  word.map((w) => `${w}~1`),
  word.map((w) => `title:${w}`),
);

/** Requests of every kind, filters and sort orders; `from` dates meet the test articles' range. */
export function requestArbitrary(fromDates: [string, string]): fc.Arbitrary<SearchRequest> {
  return fc.record({
    q: fc.option(query, { nil: undefined }),
    sort: fc.constantFrom(undefined, 'relevance', 'newest', 'oldest'),
    limit: fc.integer({ min: 1, max: 4 }),
    from: fc.option(fc.constantFrom(...fromDates), { nil: undefined }),
    place: fc.option(fc.constantFrom('Beirut', 'amman'), { nil: undefined }),
    mode: fc.constantFrom(undefined, 'natural'),
    histogram: fc.constantFrom(undefined, 'day', 'week', 'month', 'auto'),
    tz: fc.constantFrom(undefined, 'Asia/Tokyo', 'America/New_York'),
  }) as fc.Arbitrary<SearchRequest>;
}

/** Everything a client sees, scores rounded to 9 decimals (they are combined from parts). */
export function observable(response: SearchResponse) {
  return {
    total: response.total,
    hits: response.results.map((r) => ({ ...r, score: Number(r.score.toFixed(9)) })),
    facets: response.facets,
    more: response.nextCursor !== null,
    didYouMean: response.didYouMean,
    histogram: response.histogram,
  };
}

/** The single-index pipeline: the oracle partitions and segments must agree with. */
export function oracle(index: ArchiveIndex) {
  return { query: (r: SearchRequest) => runSearch(index, r) };
}

/** Every page of a request, following the cursors. */
export function allPages(index: { query(r: SearchRequest): SearchResponse }, req: SearchRequest) {
  const pages = [];
  let cursor: string | undefined;
  for (let n = 0; n < 60; n++) {
    const page = index.query({ ...req, cursor });
    pages.push(observable(page));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return pages;
}
