import { type CursorState, decodeCursor, fingerprint } from '../documents/cursor';
import { type HistogramRequest, resolveTimeZone } from '../documents/histogram';
import type { SearchRequest, SearchResponse, SortOrder } from '../documents/search-types';
import type { QueryMode } from './ast';
import { type FilterInput, type Filters, resolveFilters } from './filters';
import { DEFAULT_LIMIT, MAX_LIMIT } from './limits';
import { parseQuery } from './parser';
import { type Plan, planQuery } from './plan';

/** A request with its values checked and resolved, as both the engine and the partitions' coordinator need it. */
export interface NormalisedRequest {
  q: string;
  mode: QueryMode;
  sort: SortOrder;
  limit: number;
  filters: Filters;
  filterInput: FilterInput;
  /** Whether `q` holds anything but spaces (a query of stop words only has no plan but is a query). */
  hasQuery: boolean;
  plan: Plan | null;
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
  const mode = request.mode ?? 'all';
  const limit = Math.min(Math.max(Math.trunc(request.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  const filters = resolveFilters(request);
  const timeZone = resolveTimeZone(request.tz);
  const ast = parseQuery(q, mode);
  const hasQuery = ast !== null;
  // Relevance is meaningless without a query: list newest first.
  const sort: SortOrder =
    !hasQuery && (request.sort ?? 'relevance') === 'relevance' ? 'newest' : (request.sort ?? 'relevance');
  const fp = fingerprint([q, mode, sort, filters]);
  const after = request.cursor ? decodeCursor(request.cursor, fp) : null;
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
    sort,
    limit,
    filters,
    filterInput,
    hasQuery,
    plan: ast && planQuery(ast, mode),
    fingerprint: fp,
    after,
    histogram: request.histogram ?? null,
    timeZone,
    echo: {
      q,
      mode,
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
