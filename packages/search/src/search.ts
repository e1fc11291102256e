import type { ArchiveIndex, DatedArticle, IndexedArticle } from './archive-index';
import { type CursorState, decodeCursor, encodeCursor, fingerprint } from './cursor';
import { FacetCounter, type Facets } from './facets';
import { expandQuery, FEEDBACK_DOCS, FEEDBACK_FIELDS } from './feedback';
import {
  type FilterInput,
  type Filters,
  hasFilters,
  onlyDateFilters,
  passes,
  resolveFilters,
} from './filters';
import { ANALYZER } from './index-definition';
import { documentFrequency } from './minisearch-internals';
import { proximityBonus, queryPairs, RERANK_DEPTH, sequenceTerms } from './proximity';
import type { QueryMode } from './query/ast';
import { type ExecutionContext, executePlan, executeWeighted } from './query/execute';
import { type HitList, TermSetTable } from './query/hit-list';
import { DEFAULT_LIMIT, DID_YOU_MEAN_BELOW, MAX_LIMIT } from './query/limits';
import { parseQuery } from './query/parser';
import { type Plan, planQuery } from './query/plan';
import { bestSnippet, highlightAll } from './snippet';
import { didYouMean } from './suggest';
import { selectTopIndices } from './top-k';

export type SortOrder = 'relevance' | 'newest' | 'oldest';

/** A search request (already validated for shape by the API; values are checked here). */
export interface SearchRequest extends FilterInput {
  q?: string | undefined;
  /** `all` (default) or `natural` (free text: any word may match, ranked by BM25). */
  mode?: QueryMode | undefined;
  sort?: SortOrder | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface SearchHit {
  id: string;
  title: string;
  /** Title, HTML-escaped, with matched terms in `<mark>`. */
  titleHighlighted: string;
  publishedAt: string;
  place: string | null;
  /** Best body passage, HTML-escaped, with matched terms in `<mark>`. */
  snippet: string;
  /** BM25 score (0 when listing without `q`). */
  score: number;
}

export interface SearchResponse {
  query: {
    q: string;
    mode: QueryMode;
    sort: SortOrder;
    limit: number;
    from: string | null;
    to: string | null;
    place: string | null;
    source: string | null;
    language: string | null;
    tags: string[];
  };
  total: number;
  results: SearchHit[];
  facets: Facets;
  nextCursor: string | null;
  indexVersion: string;
  tookMs: number;
  didYouMean?: string;
}

/** A hit of the page being returned (built only for the page, not per match). */
interface Hit {
  doc: IndexedArticle;
  time: number;
  score: number;
  terms: ReadonlySet<string>;
}

const NO_TERMS: ReadonlySet<string> = new Set();

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/*
 * Total orders of hits by (sort key, id): the key is the score (relevance) or the publication time;
 * `newest` is exactly the reverse of `oldest` (ties by id descending). Split in two so that ids,
 * which cost a lookup, are read only on ties.
 */
function keyOrder(sort: SortOrder, a: number, b: number): number {
  return sort === 'oldest' ? a - b : b - a;
}

function idOrder(sort: SortOrder, a: string, b: string): number {
  return sort === 'newest' ? compareIds(b, a) : compareIds(a, b);
}

function cursorKey(sort: SortOrder, hit: Hit): number {
  return sort === 'relevance' ? hit.score : hit.time;
}

/** Whether the hit with sort key `key` and id `id()` comes strictly after the cursor position. */
function isAfter(sort: SortOrder, after: CursorState, key: number, id: () => string): boolean {
  return (keyOrder(sort, after.k, key) || idOrder(sort, after.i, id())) < 0;
}

/** First index in `order` whose time is >= t. */
function lowerBound(order: readonly { time: number }[], t: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((order[mid] as { time: number }).time < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Collected {
  total: number;
  page: Hit[];
  hasMore: boolean;
  facets: Facets;
}

/** Listing without `q`: walks the date-ordered range (binary-searched bounds), scores nothing. */
function listByDate(
  index: ArchiveIndex,
  filters: Filters,
  sort: SortOrder,
  limit: number,
  after: CursorState | null,
) {
  const order = index.byDate();
  const lo = filters.fromMs === null ? 0 : lowerBound(order, filters.fromMs);
  const hi = filters.toMs === null ? order.length : lowerBound(order, filters.toMs + 1);
  const facets = new FacetCounter(index.facetCodes);
  const page: Hit[] = [];
  let total = 0;
  let hasMore = false;
  const newest = sort !== 'oldest';
  const filtered = !onlyDateFilters(filters);
  for (let n = lo; n < hi; n++) {
    const entry = order[newest ? hi - 1 - (n - lo) : n] as DatedArticle;
    if (filtered && !passes(filters, entry.doc, entry.time)) continue;
    total++;
    facets.add(entry.shortId);
    if (after && !isAfter(newest ? 'newest' : 'oldest', after, entry.time, () => entry.doc.id)) continue;
    if (page.length < limit) page.push({ doc: entry.doc, time: entry.time, score: 0, terms: NO_TERMS });
    else hasMore = true;
  }
  return { total, page, hasMore, facets: facets.result() } satisfies Collected;
}

/** Hit indices of the `k` best hits by relevance (score, then id), best first. */
function bestByScore(index: ArchiveIndex, hits: HitList, k: number): number[] {
  const { ids, scores } = hits;
  const id = (i: number) => (index.documentByShortId(ids[i] as number) as IndexedArticle).id;
  return selectTopIndices(
    hits.size,
    k,
    (i, j) =>
      keyOrder('relevance', scores[i] as number, scores[j] as number) || idOrder('relevance', id(i), id(j)),
  ).top;
}

/** Natural mode: re-runs the query expanded by RM3 pseudo-relevance feedback (feedback.ts). */
function withFeedback(
  index: ArchiveIndex,
  ctx: ExecutionContext,
  plan: Plan,
  hits: HitList,
  keep: ((shortId: number) => boolean) | null,
): HitList {
  const terms = sequenceTerms(plan);
  if (terms.length === 0 || hits.size === 0) return hits;
  const top = bestByScore(index, hits, FEEDBACK_DOCS).map((i) => {
    const doc = index.documentByShortId(hits.ids[i] as number) as IndexedArticle;
    return { score: hits.scores[i] as number, texts: [doc.title, doc.body] };
  });
  return executeWeighted(ctx, expandQuery(terms, top, ANALYZER), FEEDBACK_FIELDS, keep);
}

/** Adds the proximity bonus to the best RERANK_DEPTH hits, in place (see proximity.ts). */
function rerankByProximity(index: ArchiveIndex, plan: Plan, hits: HitList): void {
  const pairs = queryPairs(sequenceTerms(plan));
  if (pairs.length === 0 || hits.size === 0) return;
  const n = index.size;
  const idfCache = new Map<string, number>();
  const idf = (term: string): number => {
    let v = idfCache.get(term);
    if (v === undefined) {
      const df = Math.min(documentFrequency(index.engine, term), n);
      v = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      idfCache.set(term, v);
    }
    return v;
  };
  // The same hits as sorting all of them and taking the first RERANK_DEPTH (a total order).
  for (const i of bestByScore(index, hits, RERANK_DEPTH)) {
    const doc = index.documentByShortId(hits.ids[i] as number) as IndexedArticle;
    hits.scores[i] = (hits.scores[i] as number) + proximityBonus([doc.title, doc.body], pairs, idf, ANALYZER);
  }
}

function searchText(
  index: ArchiveIndex,
  q: string,
  mode: QueryMode,
  filters: Filters,
  sort: SortOrder,
  limit: number,
  after: CursorState | null,
): Collected {
  const ast = parseQuery(q, mode);
  const plan = ast && planQuery(ast, mode);
  const facets = new FacetCounter(index.facetCodes);
  if (!plan) return { total: 0, page: [], hasMore: false, facets: facets.result() };
  const ctx: ExecutionContext = {
    miniSearch: index.engine,
    analyzer: ANALYZER,
    fieldText: (shortId, field) => index.fieldText(shortId, field),
    sequenceMatcher: (terms) => index.sequenceMatcher(terms),
    termSets: new TermSetTable(),
  };
  // Without filters every match is kept: skip the per-match check (most of a broad query's cost).
  const keep = hasFilters(filters)
    ? (shortId: number): boolean => {
        const doc = index.documentByShortId(shortId);
        return doc !== undefined && passes(filters, doc, index.timeByShortId(shortId));
      }
    : null;
  let hits = executePlan(ctx, plan, keep);
  if (mode === 'natural') hits = withFeedback(index, ctx, plan, hits, keep);
  const { ids, scores, termSets } = hits;
  for (let i = 0; i < hits.size; i++) facets.add(ids[i] as number);
  if (sort === 'relevance') rerankByProximity(index, plan, hits);
  let keys: Float64Array = scores;
  if (sort !== 'relevance') {
    keys = new Float64Array(hits.size);
    for (let i = 0; i < hits.size; i++) keys[i] = index.timeByShortId(ids[i] as number);
  }
  const docOf = (i: number) => index.documentByShortId(ids[i] as number) as IndexedArticle;
  const { top, included } = selectTopIndices(
    hits.size,
    limit,
    (i, j) => keyOrder(sort, keys[i] as number, keys[j] as number) || idOrder(sort, docOf(i).id, docOf(j).id),
    after ? (i) => isAfter(sort, after, keys[i] as number, () => docOf(i).id) : null,
  );
  return {
    total: hits.size,
    page: top.map((i) => ({
      doc: docOf(i),
      time: index.timeByShortId(ids[i] as number),
      score: scores[i] as number,
      terms: ctx.termSets.get(termSets[i] as number),
    })),
    hasMore: included > limit,
    facets: facets.result(),
  };
}

/**
 * Runs a search request against an index: parse → analyse/guard → execute → filter → facet →
 * sort → page → snippets. Throws QueryError / SearchRequestError for 400s.
 */
export function runSearch(index: ArchiveIndex, request: SearchRequest): SearchResponse {
  const started = performance.now();
  const q = (request.q ?? '').trim();
  const mode = request.mode ?? 'all';
  const limit = Math.min(Math.max(Math.trunc(request.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  const filters = resolveFilters(request);
  const hasQuery = parseQuery(q, mode) !== null;
  // Relevance is meaningless without a query: list newest first.
  const sort: SortOrder =
    !hasQuery && (request.sort ?? 'relevance') === 'relevance' ? 'newest' : (request.sort ?? 'relevance');
  const fp = fingerprint([q, mode, sort, filters]);
  const after = request.cursor ? decodeCursor(request.cursor, fp) : null;

  const collected = hasQuery
    ? searchText(index, q, mode, filters, sort, limit, after)
    : listByDate(index, filters, sort, limit, after);

  const results = collected.page.map(
    (hit): SearchHit => ({
      id: hit.doc.id,
      title: hit.doc.title,
      titleHighlighted: highlightAll(hit.doc.title, hit.terms, ANALYZER),
      publishedAt: hit.doc.publishedAt,
      place: hit.doc.place,
      snippet: bestSnippet(hit.doc.body, hit.terms, ANALYZER),
      score: hit.score,
    }),
  );
  const last = collected.page.at(-1);
  const nextCursor =
    collected.hasMore && last
      ? encodeCursor({ v: index.indexVersion, f: fp, k: cursorKey(sort, last), i: last.doc.id })
      : null;
  const response: SearchResponse = {
    query: {
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
    },
    total: collected.total,
    results,
    facets: collected.facets,
    nextCursor,
    indexVersion: index.indexVersion,
    tookMs: 0,
  };
  if (hasQuery && collected.total < DID_YOU_MEAN_BELOW && !after) {
    const suggestion = didYouMean(index, q, mode);
    if (suggestion) response.didYouMean = suggestion;
  }
  response.tookMs = Math.round((performance.now() - started) * 100) / 100;
  return response;
}
