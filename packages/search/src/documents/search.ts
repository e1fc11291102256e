import { DateTime } from 'luxon';
import { ANALYZER } from '../minisearch/index-definition';
import { documentFrequency } from '../minisearch/minisearch-internals';
import { type ExecutionContext, executePlan, executeWeighted, type TermDictionary } from '../query/execute';
import { hasFilters, onlyDateFilters, passes } from '../query/filters';
import { HitList, TermSetTable } from '../query/hit-list';
import type { Plan } from '../query/plan';
import { chooseWords } from '../query/relax';
import type { NormalisedRequest } from '../query/search-request';
import { expandQuery, FEEDBACK_DOCS, FEEDBACK_FIELDS } from '../ranking/feedback';
import {
  proximityBonus,
  queryPairs,
  RERANK_DEPTH,
  sequenceProximityBonus,
  sequenceTerms,
} from '../ranking/proximity';
import { selectTopIndices } from '../ranking/top-k';
import { bestSnippet, escapeHtml, highlightAll } from '../text/snippet';
import type { ArchiveIndex } from './archive-index';
import type { CursorState } from './cursor';
import { FacetCounter, type FacetCounts, type Facets } from './facets';
import { buildHistogram, DayCounter, type Histogram } from './histogram';
import type { DatedArticle, IndexedArticle, SimpleHit } from './indexed-article';
import { allWordsFirst, countWords, decideWords, keepRequired, type WordsDecision } from './plain-words';
import type { SearchHit, SearchResponse, SortOrder } from './search-types';
import { idOrder, isAfterCursor, keyOrder } from './sort-order';
import type { TermTable } from './term-sequences';

export type { SearchHit, SearchRequest, SearchResponse, SortOrder } from './search-types';

/** A hit of the page being returned (built only for the page, not per match). */
export interface Hit {
  doc: IndexedArticle;
  time: number;
  score: number;
  terms: ReadonlySet<string>;
}

const NO_TERMS: ReadonlySet<string> = new Set();

/** The sort key a cursor records for a hit of the single index. */
export function cursorKey(sort: SortOrder, hit: Hit): number {
  return sort === 'relevance' ? hit.score : hit.time;
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

export interface Collected {
  total: number;
  page: Hit[];
  hasMore: boolean;
  facets: Facets;
  /** Untruncated facet counts (for partitions, and the histogram's days). */
  counts: FacetCounts;
  words?: WordsDecision;
}

/**
 * Listing without `q`: walks the date-ordered range (binary-searched bounds), scores nothing.
 * `included`: how many listed articles come after the cursor.
 */
export function listByDate(
  index: ArchiveIndex,
  req: Pick<NormalisedRequest, 'filters' | 'sort' | 'limit' | 'histogram' | 'timeZone'> & {
    after: Pick<CursorState, 'k' | 'i'> | null;
  },
): Collected & { included: number } {
  const { filters, sort, limit, after } = req;
  const order = index.byDate();
  const lo = filters.fromMs === null ? 0 : lowerBound(order, filters.fromMs);
  const hi = filters.toMs === null ? order.length : lowerBound(order, filters.toMs + 1);
  const facets = facetCounter(index, req);
  const page: Hit[] = [];
  let total = 0;
  let included = 0;
  const newest = sort !== 'oldest';
  const filtered = !onlyDateFilters(filters);
  for (let n = lo; n < hi; n++) {
    const entry = order[newest ? hi - 1 - (n - lo) : n] as DatedArticle;
    if (filtered && !passes(filters, entry.doc, entry.time)) continue;
    total++;
    facets.add(entry.shortId);
    if (after && !isAfterCursor(newest ? 'newest' : 'oldest', after, entry.time, () => entry.doc.id))
      continue;
    included++;
    if (page.length < limit) page.push({ doc: entry.doc, time: entry.time, score: 0, terms: NO_TERMS });
  }
  return {
    total,
    page,
    hasMore: included > limit,
    included,
    facets: facets.result(),
    counts: facets.counts(),
  };
}

/** Hit indices of the `k` best hits by relevance (score, then id), best first. */
export function bestByScore(index: ArchiveIndex, hits: HitList, k: number): number[] {
  return rankHits(index, hits, 'relevance', hits.scores, k, null).top;
}

/**
 * Hit indices of the `k` first hits in `sort` order by `keys` (scores, or publication times) and
 * id, strictly after the cursor when one is given; `included`: how many hits are after it.
 */
export function rankHits(
  index: ArchiveIndex,
  hits: HitList,
  sort: SortOrder,
  keys: Float64Array,
  k: number,
  after: Pick<CursorState, 'k' | 'i'> | null,
): { top: number[]; included: number } {
  const docOf = (i: number) => index.documentByShortId(hits.ids[i] as number) as IndexedArticle;
  return selectTopIndices(
    hits.size,
    k,
    (i, j) => keyOrder(sort, keys[i] as number, keys[j] as number) || idOrder(sort, docOf(i).id, docOf(j).id),
    after ? (i) => isAfterCursor(sort, after, keys[i] as number, () => docOf(i).id) : null,
  );
}

/** Publication times of the hits, in hit order (the keys of the date sorts). */
export function hitTimes(index: ArchiveIndex, hits: HitList): Float64Array {
  const keys = new Float64Array(hits.size);
  for (let i = 0; i < hits.size; i++) keys[i] = index.timeByShortId(hits.ids[i] as number);
  return keys;
}

/** Natural mode's first-pass documents for RM3 (feedback.ts): the best hits and their texts. */
export function feedbackDocs(index: ArchiveIndex, hits: HitList, count: number) {
  return bestByScore(index, hits, count).map((i) => {
    const doc = index.documentByShortId(hits.ids[i] as number) as IndexedArticle;
    return { id: doc.id, score: hits.scores[i] as number, texts: [doc.title, doc.body] };
  });
}

/**
 * The proximity bonus (proximity.ts) of one article for a plan, or null when the plan has no word
 * pairs (nothing to re-rank). `dictionary`: archive-wide frequencies for the pairs' IDF.
 */
export function proximityScorer(
  index: ArchiveIndex,
  plan: Plan,
  dictionary?: TermDictionary,
): ((shortId: number) => number) | null {
  const pairs = queryPairs(sequenceTerms(plan));
  if (pairs.length === 0) return null;
  const n = dictionary?.stats.documentCount ?? index.size;
  const idfCache = new Map<string, number>();
  const idf = (term: string): number => {
    let v = idfCache.get(term);
    if (v === undefined) {
      const df = Math.min(dictionary?.documentFrequency(term) ?? documentFrequency(index.engine, term), n);
      v = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      idfCache.set(term, v);
    }
    return v;
  };
  const idsByTable = new Map<TermTable, ([number, number] | null)[]>();
  return (shortId) => {
    const recorded = index.termSequence(shortId);
    if (recorded) {
      const { sequence, table } = recorded;
      let pairIds = idsByTable.get(table);
      if (!pairIds) {
        pairIds = pairs.map(([a, b]) => {
          const [x, y] = [table(a), table(b)];
          return x === undefined || y === undefined ? null : [x, y];
        });
        idsByTable.set(table, pairIds);
      }
      return sequenceProximityBonus(sequence, pairIds, pairs, idf);
    }
    const doc = index.documentByShortId(shortId);
    return doc ? proximityBonus([doc.title, doc.body], pairs, idf, ANALYZER) : 0;
  };
}

/** The proximity bonus of the best RERANK_DEPTH hits by score: hit index → bonus (empty: no pairs). */
export function proximityBonuses(index: ArchiveIndex, plan: Plan, hits: HitList): Map<number, number> {
  const bonuses = new Map<number, number>();
  const scorer = proximityScorer(index, plan);
  if (!scorer || hits.size === 0) return bonuses;
  // The same hits as sorting all of them and taking the first RERANK_DEPTH (a total order).
  for (const i of bestByScore(index, hits, RERANK_DEPTH)) {
    bonuses.set(i, scorer(hits.ids[i] as number));
  }
  return bonuses;
}

/**
 * The hits of a request with a query, filtered, with BM25 scores: the plan executed, then in
 * natural mode re-run with RM3 feedback from its best hits, or with `weights` when the feedback
 * was gathered elsewhere (over partitions). `dictionary`: archive-wide expansions and statistics.
 * Plain words (a `words` plan) are searched as relax.ts chooses; `words` gives that choice when it
 * was made elsewhere (over partitions); `countOnly` returns every article with some searched word,
 * unranked (for the coordinator's counts).
 */
export function matchRequest(
  index: ArchiveIndex,
  req: Pick<NormalisedRequest, 'plan' | 'mode' | 'filters'>,
  options: {
    dictionary?: TermDictionary;
    weights?: Map<string, number>;
    firstPassOnly?: boolean;
    words?: WordsDecision;
    countOnly?: boolean;
  } = {},
): { hits: HitList; termSets: TermSetTable; words?: WordsDecision } {
  const termSets = new TermSetTable();
  const { plan, filters } = req;
  if (!plan) return { hits: new HitList(0), termSets };
  const ctx: ExecutionContext = {
    miniSearch: index.engine,
    analyzer: ANALYZER,
    fieldText: (shortId, field) => index.fieldText(shortId, field),
    sequenceMatcher: (terms) => index.sequenceMatcher(terms),
    termSets,
    surface: () => index.surface(),
    ...(options.dictionary ? { dictionary: options.dictionary } : {}),
  };
  // Without filters every match is kept: skip the per-match check (most of a broad query's cost).
  const keep = hasFilters(filters)
    ? (shortId: number): boolean => {
        const doc = index.documentByShortId(shortId);
        return doc !== undefined && passes(filters, doc, index.timeByShortId(shortId));
      }
    : null;
  if (options.weights)
    return { hits: executeWeighted(ctx, options.weights, FEEDBACK_FIELDS, keep), termSets };
  let hits: HitList;
  let words: WordsDecision | undefined;
  if (plan.kind === 'words') {
    const df = (term: string) =>
      options.dictionary?.documentFrequency(term) ?? documentFrequency(index.engine, term);
    const choice =
      options.words?.choice ??
      chooseWords(plan.words, df, options.dictionary?.stats.documentCount ?? index.size);
    const weights = new Map(choice.searched.map((term, i) => [term, choice.weights[i] as number]));
    hits = executeWeighted(ctx, weights, plan.fields, keep);
    for (const excluded of plan.negated) hits.subtract(executePlan(ctx, excluded, null));
    if (options.countOnly) return { hits, termSets };
    words =
      options.words ??
      decideWords(choice, req.mode, req.mode === 'auto' ? countWords(hits, termSets, choice.searched) : null);
    if (words.relaxed) allWordsFirst(hits, termSets, choice.searched);
    else keepRequired(hits, termSets, words.required);
  } else {
    hits = executePlan(ctx, plan, keep);
  }
  const decided = words ? { words } : {};
  if (req.mode !== 'natural' || options.firstPassOnly) return { hits, termSets, ...decided };
  const terms = words ? words.choice.searched : sequenceTerms(plan);
  if (terms.length === 0 || hits.size === 0) return { hits, termSets, ...decided };
  const weights = expandQuery(terms, feedbackDocs(index, hits, FEEDBACK_DOCS), ANALYZER);
  return { hits: executeWeighted(ctx, weights, FEEDBACK_FIELDS, keep), termSets, ...decided };
}

/** A facet counter for a request's hits, counting local days too when it asks for a histogram. */
export function facetCounter(
  index: ArchiveIndex,
  req: Pick<NormalisedRequest, 'histogram' | 'timeZone'>,
): FacetCounter {
  return new FacetCounter(
    index.facetCodes,
    req.histogram
      ? { counter: new DayCounter(req.timeZone), timeOf: (shortId) => index.timeByShortId(shortId) }
      : null,
  );
}

/** The response's histogram from the day counts of its hits, when the request asked for one. */
export function histogramOf(
  req: Pick<NormalisedRequest, 'histogram' | 'timeZone'>,
  days: Iterable<[string, number]> | undefined,
): { histogram?: Histogram } {
  return req.histogram ? { histogram: buildHistogram(days ?? [], req.histogram, req.timeZone) } : {};
}

export function simpleHits(response: SearchResponse): SimpleHit[] {
  return response.results.map(({ id, title, publishedAt, place, score }) => ({
    id,
    title,
    publishedAt,
    place,
    score,
  }));
}

/** The wall time of `publishedAt` in `timeZone` with its offset (UTC when the zone is unknown). */
export function localTimeOf(publishedAt: string, timeZone: string | null): string {
  const local = DateTime.fromISO(publishedAt, { zone: timeZone ?? 'UTC' });
  return local.isValid ? (local.toISO({ suppressMilliseconds: true }) ?? publishedAt) : publishedAt;
}

/**
 * A page hit as the response gives it: title and best passage highlighted (HTML-escaped); without
 * `snippets`, no passage and the title only escaped (analysing the body is most of a hit's cost).
 */
export function renderHit(
  doc: IndexedArticle,
  terms: ReadonlySet<string>,
  score: number,
  snippets = true,
): SearchHit {
  return {
    id: doc.id,
    title: doc.title,
    titleHighlighted: snippets ? highlightAll(doc.title, terms, ANALYZER) : escapeHtml(doc.title),
    publishedAt: doc.publishedAt,
    localTime: localTimeOf(doc.publishedAt, doc.timeZone),
    timeZone: doc.timeZone,
    place: doc.place,
    source: doc.source,
    language: doc.language,
    storyId: doc.storyId,
    snippet: snippets ? bestSnippet(doc.body, terms, ANALYZER) : '',
    score,
  };
}
