import type { CursorState } from '../documents/cursor';
import { type FacetCounts, type Facets, facetsFromCounts } from '../documents/facets';
import { addDayCounts } from '../documents/histogram';
import type { SortOrder } from '../documents/search-types';
import { compareIds, idOrder, isAfterCursor, keyOrder } from '../documents/sort-order';
import { rankPrefixCandidates } from '../minisearch/minisearch-internals';
import { expansionWeight } from '../query/execute';
import { mergeFuzzyMatches } from '../query/fuzzy';
import { MAX_PREFIX_EXPANSIONS } from '../query/limits';
import { RERANK_DEPTH } from '../ranking/proximity';
import { selectTop } from '../ranking/top-k';
import {
  type Candidate,
  frequencyIn,
  type GlobalTerms,
  type PartitionResult,
  type TermLookup,
  type TermStats,
} from './protocol';

/**
 * The coordinator's arithmetic, kept pure (no hosts, no I/O) so it can be tested against a single
 * index over the same articles: summing term statistics, merging pages, totals and facets.
 */

/** Statistics of no partition (the identity of {@link addTermStats}). */
export function emptyTermStats(fieldCount: number): TermStats {
  return {
    documentCount: 0,
    fieldLengthTotals: new Array<number>(fieldCount).fill(0),
    df: new Map(),
    prefixes: new Map(),
    fuzzy: new Map(),
  };
}

/** Adds `b` into `a` (document counts and frequencies are sums; candidate sets are unions). */
export function addTermStats(a: TermStats, b: TermStats): TermStats {
  a.documentCount += b.documentCount;
  b.fieldLengthTotals.forEach((total, f) => {
    a.fieldLengthTotals[f] = (a.fieldLengthTotals[f] ?? 0) + total;
  });
  for (const [term, perField] of b.df) {
    const into = a.df.get(term);
    if (!into) a.df.set(term, [...perField]);
    else
      perField.forEach((n, f) => {
        into[f] = (into[f] ?? 0) + n;
      });
  }
  for (const [typed, terms] of b.prefixes) {
    a.prefixes.set(typed, [...new Set([...(a.prefixes.get(typed) ?? []), ...terms])]);
  }
  for (const [key, matches] of b.fuzzy) a.fuzzy.set(key, mergeFuzzyMatches(a.fuzzy.get(key) ?? [], matches));
  return a;
}

/**
 * Archive-wide statistics from the summed partition statistics: average field lengths, and each
 * prefix's expansions chosen and weighted from archive-wide frequencies, exactly as a single index
 * would choose them (execute.ts's expandPrefix).
 */
export function globalTerms(stats: TermStats, lookup: TermLookup): GlobalTerms {
  const n = stats.documentCount;
  const frequency = (term: string) => frequencyIn(stats.df, term);
  const prefixes: GlobalTerms['prefixes'] = new Map();
  for (const typed of lookup.prefixes) {
    const candidates = (stats.prefixes.get(typed) ?? [])
      .map((term) => ({ term, df: frequency(term) }))
      .filter((c) => c.df > 0);
    prefixes.set(
      typed,
      rankPrefixCandidates(candidates, MAX_PREFIX_EXPANSIONS).map(({ term }) => [
        term,
        expansionWeight(typed, term),
      ]),
    );
  }
  const fuzzy: GlobalTerms['fuzzy'] = new Map();
  for (const [key, matches] of stats.fuzzy)
    fuzzy.set(
      key,
      matches.filter(([term]) => frequency(term) > 0),
    );
  return {
    documentCount: n,
    avgFieldLength: stats.fieldLengthTotals.map((total) => (n > 0 ? total / n : 0)),
    df: stats.df,
    prefixes,
    fuzzy,
  };
}

/** Sums facet counts of disjoint partitions and orders them as a single index does. */
export function mergeFacets(results: readonly PartitionResult[]): Facets {
  const sum = (pick: (c: FacetCounts) => [string, number][]) => {
    const out = new Map<string, number>();
    for (const r of results)
      for (const [value, n] of pick(r.facets)) out.set(value, (out.get(value) ?? 0) + n);
    return out;
  };
  return facetsFromCounts({
    month: [...sum((c) => c.month)],
    place: [...sum((c) => c.place)],
    source: [...sum((c) => c.source)],
    language: [...sum((c) => c.language)],
  });
}

/** Sums the partitions' day counts (histogram.ts): calendar days, so the sum is exact. */
export function mergeDays(results: readonly PartitionResult[]): [string, number][] {
  const days = new Map<string, number>();
  for (const r of results) addDayCounts(days, r.facets.day ?? []);
  return [...days];
}

/** A merged hit: the partition it came from and its final sort key. */
export interface MergedHit extends Candidate {
  key: string;
  /** Score with the bonus when it was re-ranked (relevance), else the score; unused for date sorts. */
  final: number;
}

export interface MergedPage {
  page: MergedHit[];
  hasMore: boolean;
  total: number;
}

/** The single index's total order (documents/sort-order.ts), on merged hits. */
function order(sort: SortOrder): (a: MergedHit, b: MergedHit) => number {
  const key = (hit: MergedHit) => (sort === 'relevance' ? hit.final : hit.time);
  return (a, b) => keyOrder(sort, key(a), key(b)) || idOrder(sort, a.id, b.id);
}

/**
 * The archive's best RERANK_DEPTH hits by BM25 (G), which the proximity re-rank adds a bonus to:
 * each partition's share of G is among its own best RERANK_DEPTH (`best`), so G is exact.
 */
export function rerankSet(results: readonly PartitionResult[]): MergedHit[] {
  const byScore = (a: MergedHit, b: MergedHit) => b.score - a.score || compareIds(a.id, b.id);
  const all = results.flatMap((r) => r.best.map((c) => ({ ...c, key: r.key, final: c.score })));
  return selectTop(all, RERANK_DEPTH, byScore);
}

/**
 * One page from the partitions' answers, as a single index would give it.
 *
 * Relevance with proximity re-ranking: `reranked` is G ({@link rerankSet}) and `bonuses` their
 * bonus by id. Every other hit keeps its BM25 score, and each partition sent its best
 * `limit + RERANK_DEPTH` after the cursor by BM25, of which at most RERANK_DEPTH are in G: its best
 * `limit` outside G are among them. Counting "after the cursor" moves G's hits from their BM25
 * position to their final one.
 */
export function mergePages(
  results: readonly PartitionResult[],
  sort: SortOrder,
  limit: number,
  after: Pick<CursorState, 'k' | 'i'> | null,
  reranked: readonly MergedHit[] = [],
  bonuses: ReadonlyMap<string, number> = new Map(),
): MergedPage {
  const total = results.reduce((sum, r) => sum + r.total, 0);
  let afterCount = results.reduce((sum, r) => sum + r.after, 0);
  const candidates: MergedHit[] = [];
  const inBest = new Set<string>();
  for (const best of reranked) {
    const hit = { ...best, final: best.score + (bonuses.get(best.id) ?? 0) };
    inBest.add(hit.id);
    if (isAfterCursor(sort, after, hit.score, hit.id)) afterCount--;
    if (isAfterCursor(sort, after, hit.final, hit.id)) {
      afterCount++;
      candidates.push(hit);
    }
  }
  for (const r of results) {
    for (const c of r.page) {
      if (!inBest.has(c.id)) candidates.push({ ...c, key: r.key, final: c.score });
    }
  }
  return { page: selectTop(candidates, limit, order(sort)), hasMore: afterCount > limit, total };
}

/** The sort key a cursor records for a merged hit. */
export function cursorKeyOf(sort: SortOrder, hit: MergedHit): number {
  return sort === 'relevance' ? hit.final : hit.time;
}
