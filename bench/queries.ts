import type { Article } from '@archive/core';
import { mixSeed, pick, type Random, randomInt, seededRandom } from './prng';

/**
 * The fixed query mix (documented in bench/README.md). Every query is drawn deterministically
 * (seeded) from the words of the benchmark corpus itself, so it finds something on both sides.
 */
export const QUERY_KINDS = ['plain', 'words', 'phrase', 'prefix', 'fuzzy', 'date', 'newest'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** One benchmark query, in the production API's terms (`GET /search` parameters) plus its words. */
export interface BenchQuery {
  kind: QueryKind;
  /** The `q` parameter in the production query language. */
  q: string;
  /** The plain words behind `q` (typo'd for fuzzy, the stem for prefix), for the baseline mapping. */
  terms: string[];
  /** Inclusive UTC dates `YYYY-MM-DD` (date-filtered kind only). */
  from?: string;
  to?: string;
  sort?: 'newest';
}

/** The production search request: the query string parameters of `GET /search`. */
export interface SearchRequest {
  q: string;
  from?: string;
  to?: string;
  sort?: 'relevance' | 'newest' | 'oldest';
  limit: number;
}

export const RESULT_LIMIT = 10;
/** Half-width of the date window of a date-filtered query, around the publication of the doc it came from. */
const DATE_WINDOW_DAYS = 45;
const DAY_MS = 86_400_000;
const MIN_WORD = 4;
const STOP = new Set(
  (
    'that with from have this will were been their which would said also they about there after more than ' +
    'into other some over year last says what when where while could should them then these those such ' +
    'only very just most many much made make between under against during before being both each'
  ).split(' '),
);

/** Words a user might type: letters only, at least {@link MIN_WORD} long, not stop words. */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const match of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    const word = match[0];
    if (word.length >= MIN_WORD && !STOP.has(word)) words.push(word);
  }
  return words;
}

function textOf(article: Article): string {
  return `${article.title}\n${article.paragraphs.join('\n')}`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * `count` queries cycling through {@link QUERY_KINDS} in order (so any prefix of the list is a
 * balanced mix), identical for the same articles and seed.
 */
export function buildQueryMix(articles: readonly Article[], count: number, seed: number): BenchQuery[] {
  const random = seededRandom(mixSeed(seed, 0x9e37));
  const queries: BenchQuery[] = [];
  for (let i = 0; i < count; i++) {
    const kind = QUERY_KINDS[i % QUERY_KINDS.length] ?? 'plain';
    queries.push(makeQuery(kind, articles, random));
  }
  return queries;
}

function makeQuery(kind: QueryKind, articles: readonly Article[], random: Random): BenchQuery {
  // A few documents are too short for some kinds (no long word, no adjacent pair): draw again.
  for (let attempt = 0; attempt < 100; attempt++) {
    const article = pick(random, articles);
    const query = queryFrom(kind, article, random);
    if (query) return query;
  }
  throw new Error(`could not draw a '${kind}' query from the corpus`);
}

function queryFrom(kind: QueryKind, article: Article, random: Random): BenchQuery | null {
  const words = wordsOf(textOf(article));
  if (words.length === 0) return null;
  const word = pick(random, words);
  switch (kind) {
    case 'plain':
      return { kind, q: word, terms: [word] };
    case 'words': {
      const distinct = [...new Set(words)];
      if (distinct.length < 3) return null;
      const terms = new Set<string>();
      const wanted = 2 + randomInt(random, 2);
      while (terms.size < wanted) terms.add(pick(random, distinct));
      return { kind, q: [...terms].join(' '), terms: [...terms] };
    }
    case 'phrase': {
      const pair = adjacentPair(article, random);
      return pair ? { kind, q: `"${pair.join(' ')}"`, terms: pair } : null;
    }
    case 'prefix': {
      const long = words.filter((w) => w.length >= 6);
      if (long.length === 0) return null;
      const stem = pick(random, long).slice(0, 4);
      return { kind, q: `${stem}*`, terms: [stem] };
    }
    case 'fuzzy': {
      const long = words.filter((w) => w.length >= 6);
      if (long.length === 0) return null;
      const typo = withTypo(pick(random, long), random);
      return { kind, q: `${typo}~`, terms: [typo] };
    }
    case 'date': {
      const at = Date.parse(article.publishedAt);
      const from = day(at - DATE_WINDOW_DAYS * DAY_MS);
      const to = day(at + DATE_WINDOW_DAYS * DAY_MS);
      return { kind, q: word, terms: [word], from, to };
    }
    case 'newest':
      return { kind, q: word, terms: [word], sort: 'newest' };
  }
}

/** Two consecutive words of the body (nothing but white space between them), both user-typable. */
function adjacentPair(article: Article, random: Random): [string, string] | null {
  // Punctuation and numbers are tokens too, so that words separated by them are not adjacent.
  const tokens = [
    ...article.paragraphs
      .join(' ')
      .toLowerCase()
      .matchAll(/\p{L}+|[^\p{L}\s]+/gu),
  ].map((m) => m[0]);
  const typable = (token: string | undefined): token is string =>
    token !== undefined && /^\p{L}+$/u.test(token) && token.length >= MIN_WORD && !STOP.has(token);
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i];
    const b = tokens[i + 1];
    if (typable(a) && typable(b)) pairs.push([a, b]);
  }
  return pairs.length > 0 ? pick(random, pairs) : null;
}

/** One letter substituted at an inner position: a typo at edit distance 1. */
function withTypo(word: string, random: Random): string {
  const position = 1 + randomInt(random, word.length - 2);
  const original = word.charAt(position);
  let replacement = original;
  while (replacement === original) replacement = String.fromCharCode(97 + randomInt(random, 26));
  return word.slice(0, position) + replacement + word.slice(position + 1);
}

/** The production request for a query (what `GET /search` would be sent). */
export function toSearchRequest(query: BenchQuery): SearchRequest {
  const request: SearchRequest = { q: query.q, limit: RESULT_LIMIT };
  if (query.from) request.from = query.from;
  if (query.to) request.to = query.to;
  if (query.sort) request.sort = query.sort;
  return request;
}

/** The request as a `/search?...` path, for HTTP load. */
export function toSearchPath(query: BenchQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(toSearchRequest(query))) params.set(key, String(value));
  return `/search?${params.toString()}`;
}
