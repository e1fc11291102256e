import type { Article } from '@archive/core';
import fc from 'fast-check';
import { ArchiveIndex } from '../documents/archive-index';
import type { SearchRequest, SearchResponse } from '../documents/search-types';
import { PartitionedIndex } from '../partitions/partitioned-index';
import type { PartitionPeriod } from '../partitions/period';
import { runSearch } from './reference-search';

/**
 * Test support for the exactness property (a search over partitions, by any host, answers as one
 * index over the same articles): random corpora and requests, the single-index oracle, and what a
 * client observes of every page. Shared by the in-thread test (partitioned-index.test.ts) and the
 * partition-function test (test/partition-functions.test.ts).
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
/**
 * Words sharing a stem with another word (`voters`/`voter`, `nations`/`national`) or close to one
 * in spelling but not in stem (`power`/`powers`, `governs`/`government`/`governmental`): fuzzy
 * words are matched on words as written and mapped to stems (query/fuzzy.ts). None begins with the
 * two letters of a word of {@link WORDS}: completions give one document's word for a stem, and the
 * suggestion tests complete those.
 */
export const VARIANTS = [
  'voter',
  'voters',
  'voting',
  'power',
  'powers',
  'nation',
  'nations',
  'national',
  'government',
  'governments',
  'governmental',
];
const PLACES = ['Jerusalem', 'Beirut', 'Amman', null];
const SOURCES = ['Wire', 'Desk', null];

export function article(n: number, title: string[], body: string[][], day: number, place: number): Article {
  const publishedAt = new Date(Date.UTC(2023, 0, 1) + day * 86_400_000 + n * 60_000).toISOString();
  return {
    id: `a${n}`,
    title: title.join(' '),
    paragraphs: body.map((p) => p.join(' ')),
    caption: null,
    publishedAt,
    localTime: publishedAt,
    timeZone: 'UTC',
    place: PLACES[place % PLACES.length] ?? null,
    language: 'en',
    source: SOURCES[n % SOURCES.length] ?? null,
    url: null,
    tags: [],
    version: 1,
    contentHash: String(n).padStart(64, '0'),
    previousHash: null,
    ingestedAt: publishedAt,
    updatedAt: publishedAt,
  };
}

export const word = fc.constantFrom(...WORDS);
/** A word of an article: mostly one of {@link WORDS}, sometimes one of {@link VARIANTS}. */
export const textWord = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 1, arbitrary: fc.constantFrom(...VARIANTS) },
);
export const corpus = fc
  .array(
    fc.record({
      title: fc.array(textWord, { minLength: 1, maxLength: 4 }),
      body: fc.array(fc.array(textWord, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }),
      day: fc.integer({ min: 0, max: 500 }),
      place: fc.nat(),
    }),
    { minLength: 5, maxLength: 40 },
  )
  .map((records) => records.map((r, n) => article(n, r.title, r.body, r.day, r.place)));

/** A typed word with a slip (a letter dropped, doubled or replaced), or a word as written. */
export const misspelt = fc
  .tuple(textWord, fc.nat(), fc.constantFrom('drop', 'double', 'replace', 'none'))
  .map(([w, at, slip]) => {
    const i = 1 + (at % (w.length - 1));
    if (slip === 'drop') return w.slice(0, i) + w.slice(i + 1);
    if (slip === 'double') return w.slice(0, i) + w.slice(i - 1);
    if (slip === 'replace') return `${w.slice(0, i)}x${w.slice(i + 1)}`;
    return w;
  });

export const query = fc.oneof(
  word,
  fc.tuple(word, word).map(([a, b]) => `${a} ${b}`),
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`),
  fc.tuple(word, word).map(([a, b]) => `${a} OR ${b}`),
  fc.tuple(word, word).map(([a, b]) => `${a} -${b}`),
  word.map((w) => `${w.slice(0, 3)}*`),
  word.map((w) => `${w}~1`),
  word.map((w) => `title:${w}`),
  misspelt.map((w) => `${w}~`),
  fc.tuple(misspelt, fc.constantFrom('1', '2')).map(([w, n]) => `${w}~${n}`),
  fc.tuple(misspelt, word).map(([w, v]) => `${w}~ ${v}`),
  misspelt,
);

export const request = fc.record({
  q: fc.option(query, { nil: undefined }),
  sort: fc.constantFrom(undefined, 'relevance', 'newest', 'oldest'),
  limit: fc.integer({ min: 1, max: 4 }),
  from: fc.option(fc.constantFrom('2023-03-01', '2023-07-15'), { nil: undefined }),
  place: fc.option(fc.constantFrom('Beirut', 'amman'), { nil: undefined }),
  mode: fc.constantFrom(undefined, 'natural'),
  histogram: fc.constantFrom(undefined, 'day', 'week', 'month', 'auto'),
  tz: fc.constantFrom(undefined, 'Asia/Tokyo', 'America/New_York'),
}) as fc.Arbitrary<SearchRequest>;

export function build(articles: Article[], period: PartitionPeriod = 'month') {
  const single = ArchiveIndex.empty();
  const partitioned = PartitionedIndex.empty(period);
  for (const a of articles) {
    single.applyUpsert(a);
    partitioned.applyUpsert(a);
  }
  return { single, partitioned };
}

/** Everything a client sees, scores rounded (they are combined from partition statistics). */
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

/** The single-index pipeline: the oracle the partitioned index must agree with. */
export function oracle(index: ArchiveIndex) {
  return { query: (r: SearchRequest) => runSearch(index, r) };
}

/** Every page of a request, following the cursors. */
export function allPages(index: { query(r: SearchRequest): SearchResponse }, req: SearchRequest) {
  const pages = [];
  let cursor: string | undefined;
  for (let n = 0; n < 50; n++) {
    const page = index.query({ ...req, cursor });
    pages.push(observable(page));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return pages;
}

/** {@link allPages} for a search answered asynchronously (worker threads, partition functions). */
export async function allPagesAsync(
  index: { query(r: SearchRequest): Promise<SearchResponse> },
  req: SearchRequest,
) {
  const pages = [];
  let cursor: string | undefined;
  for (let n = 0; n < 50; n++) {
    const page = await index.query({ ...req, cursor });
    pages.push(observable(page));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return pages;
}
