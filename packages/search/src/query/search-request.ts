import { type CursorState, decodeCursor, fingerprint } from '../documents/cursor';
import { type HistogramRequest, resolveTimeZone } from '../documents/histogram';
import type { SearchRequest, SearchResponse, SortOrder } from '../documents/search-types';
import type { QueryMode, QueryNote } from './ast';
import { QueryError } from './errors';
import { type FilterInput, type Filters, resolveFilters } from './filters';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_UNRENDERED_LIMIT } from './limits';
import { type Plan, planQuery } from './plan';
import { readQuery, readQueryAsText, splitExclusions } from './read-query';

/** Planner refusals of a query with operators that has more words than they may carry. */
const TOO_LONG: ReadonlySet<string> = new Set(['too_many_terms', 'too_many_phrase_terms']);

/** A request with its values checked and resolved, as both the engine and the partitions' coordinator need it. */
export interface NormalisedRequest {
  q: string;
  mode: QueryMode;
  strict: boolean;
  sort: SortOrder;
  limit: number;
  filters: Filters;
  filterInput: FilterInput;
  /** Whether `q` holds anything but spaces (a query of stop words only has no plan but is a query). */
  hasQuery: boolean;
  plan: Plan | null;
  /** What the reader should know about how `q` was read (syntax slips read as text, cuts). */
  notes: QueryNote[];
  /** Default mode with operators: when nothing matches, the query is answered as plain words. */
  retryAsText: boolean;
  fingerprint: string;
  after: CursorState | null;
  /** The histogram asked for, or null. */
  histogram: HistogramRequest | null;
  /** IANA zone of the histogram's days and of date-only bounds. */
  timeZone: string;
  /** The request as the response echoes it. */
  echo: SearchResponse['query'];
}

/** Checks and resolves a request. Throws QueryError / SearchRequestError for 400s. */
export function normaliseRequest(request: SearchRequest): NormalisedRequest {
  const q = (request.q ?? '').trim();
  const mode = request.mode ?? 'auto';
  const maxLimit = request.snippets === false ? MAX_UNRENDERED_LIMIT : MAX_LIMIT;
  const limit = Math.min(Math.max(Math.trunc(request.limit ?? DEFAULT_LIMIT), 1), maxLimit);
  const filters = resolveFilters(request);
  const timeZone = resolveTimeZone(request.tz);
  const strict = request.strict ?? false;
  let read = readQuery(q, mode, strict, request.asText ?? false);
  let plan: Plan | null;
  try {
    plan = read.node && planQuery(read.node, mode, read.plain, read.negated);
  } catch (error) {
    // More words than operators may carry: in a search box that is a pasted text, read as such
    // (its cost is bounded by choosing the words, query/relax.ts); strict mode keeps the 400.
    if (strict || mode !== 'auto' || !(error instanceof QueryError) || !TOO_LONG.has(error.code)) throw error;
    read = readQueryAsText(q, error);
    plan = read.node && planQuery(read.node, mode, true);
  }
  const ast = read.node;
  const hasQuery = ast !== null;
  // Relevance is meaningless without a query: list newest first.
  const sort: SortOrder =
    !hasQuery && (request.sort ?? 'relevance') === 'relevance' ? 'newest' : (request.sort ?? 'relevance');
  const fp = fingerprint([q, mode, request.strict ?? false, sort, filters]);
  const after = request.cursor ? decodeCursor(request.cursor, fp) : null;
  // Whether an empty answer is retried as plain words (the default mode's operators matched nothing).
  const retryAsText =
    mode === 'auto' && !strict && !request.asText && !read.plain && hasQuery && splitExclusions(q) !== null;
  const filterInput: FilterInput = {
    from: request.from,
    to: request.to,
    place: request.place,
    source: request.source,
    language: request.language,
    tags: request.tags,
    tz: request.tz,
  };
  return {
    q,
    mode,
    strict: request.strict ?? false,
    sort,
    limit,
    filters,
    filterInput,
    hasQuery,
    plan,
    notes: read.notes,
    retryAsText,
    fingerprint: fp,
    after,
    histogram: request.histogram ?? null,
    timeZone,
    echo: {
      q,
      mode,
      strict: request.strict ?? false,
      sort,
      limit,
      from: request.from ?? null,
      to: request.to ?? null,
      place: request.place ?? null,
      source: request.source ?? null,
      language: request.language ?? null,
      tags: request.tags ?? [],
      tz: timeZone,
      histogram: request.histogram ?? null,
    },
  };
}
