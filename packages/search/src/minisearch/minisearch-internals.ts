// Over 400 lines: deliberately the one module that reads MiniSearch's private state (see below);
// splitting it would spread the internals this file exists to contain.
import type MiniSearch from 'minisearch';
import type { Query } from 'minisearch';
import { HitList, type TermSetTable } from '../query/hit-list';
import { type MiniSearchState, ProtectedState } from './protected-state';
import {
  boundedFuzzyWalk,
  type RadixNode,
  sortedRadixEntries,
  sortedRadixTree,
  type WalkBudget,
} from './radix-tree';

export type { MiniSearchState } from './protected-state';

/**
 * The one place that reaches into MiniSearch 7.2 internals (pinned by minisearch-internals.test.ts),
 * through protected-state.ts's subclass, so names and types are checked by the compiler.
 * Why: the public `search()` multiplies scores by the number of matched query terms, builds and sorts
 * a result object per hit, and cannot bound prefix expansion; the engine needs raw per-document
 * BM25 sums with the matched index terms, bounded prefix expansion and document frequencies.
 */

/** A document's raw match: BM25 sum and `match` = index term → fields it matched in. */
export interface RawMatch {
  score: number;
  terms: string[];
  match: Record<string, string[]>;
}

/** field id → (short doc id → term frequency) */
type FieldPostings = Map<number, Map<number, number>>;

/** MiniSearch's private query executor (raw BM25 sums per short id, before its own multiplier). */
interface PrivateExecutor {
  executeQuery(query: Query, options?: object): Map<number, RawMatch>;
}

/**
 * Gives an empty index the terms of a snapshot, sorted (UTF-16 code unit order, as `<` compares),
 * by building MiniSearch's radix tree (`SearchableMap._tree`) directly: each node is made once,
 * instead of one `set` per term walking the path from the root and splitting edges as it goes,
 * which was a fifth of a cold start. The tree has the same shape `set` would give (pinned by
 * minisearch-internals.test.ts), so MiniSearch reads and updates it as its own.
 */
export function adoptSortedTerms(
  ms: AnyMiniSearch,
  terms: readonly string[],
  data: readonly unknown[],
): void {
  const index = internals(ms)._index as unknown as { _tree: RadixNode; _size: number | undefined };
  if (terms.length !== data.length) throw new Error('adoptSortedTerms: one datum per term');
  index._tree = sortedRadixTree(terms, data);
  index._size = undefined;
}

/**
 * The index's terms with their data in UTF-16 code unit order (the order adoptSortedTerms takes),
 * without sorting every term (radix-tree.ts's sortedRadixEntries). Lazy, so a caller may pause.
 */
export function sortedTermEntries(ms: AnyMiniSearch): Generator<[string, unknown], void, void> {
  return sortedRadixEntries((internals(ms)._index as unknown as { _tree: RadixNode })._tree);
}

/** The protected state of a MiniSearch instance (protected-state.ts), for the snapshot codec. */
export function stateOf(ms: AnyMiniSearch): MiniSearchState {
  return ProtectedState.of(ms);
}

const internals = stateOf;

// biome-ignore lint/suspicious/noExplicitAny: MiniSearch's document type does not matter here.
type AnyMiniSearch = MiniSearch<any>;

/** Runs a query tree and returns raw matches keyed by MiniSearch's short document ids. */
export function executeRaw(ms: AnyMiniSearch, query: Query): Map<number, RawMatch> {
  // executeQuery is private in MiniSearch: no subclass can name it (pinned by the tests).
  return (ms as unknown as PrivateExecutor).executeQuery(query, {});
}

/** External id of a short document id (undefined for a discarded document). */
export function externalId(ms: AnyMiniSearch, shortId: number): string | undefined {
  return internals(ms)._documentIds.get(shortId);
}

/** Short id of an external id. */
export function shortIdOf(ms: AnyMiniSearch, id: string): number | undefined {
  return internals(ms)._idToShortId.get(id);
}

/**
 * Term data that can answer without being materialised (minisearch-codec.ts's LazyTermData): the
 * engine reads posting counts for every prefix/fuzzy expansion and scores postings straight from
 * the snapshot's bytes, which is what keeps a loaded index small and broad queries fast.
 */
interface CompactPostings {
  /** Posting count summed over fields. */
  postingCount(): number;
  /** Posting count of one field, without materialising. */
  fieldCount(fieldId: number): number;
  /**
   * Calls `begin` with a field's posting count, then `fn` for each of its postings (in short id
   * order); returns the count (0, with no calls, when the term is not in the field).
   */
  forEachPosting(
    fieldId: number,
    fn: (shortId: number, freq: number) => void,
    begin?: (count: number) => void,
  ): number;
}

function isCompact(postings: FieldPostings): postings is FieldPostings & CompactPostings {
  return typeof (postings as Partial<CompactPostings>).forEachPosting === 'function';
}

/**
 * True when every posting belongs to a live document: documents were only ever removed with
 * `remove` (never `discard`, which leaves postings behind until a vacuum and makes MiniSearch's own
 * scoring prune them as it reads). Then counts are posting sizes and the fast scorer is exact.
 */
function isClean(ms: AnyMiniSearch): boolean {
  return internals(ms)._dirtCount === 0;
}

/** Number of live documents containing `term` in any field (may count a document twice across fields). */
function frequency(ms: AnyMiniSearch, postings: FieldPostings | undefined): number {
  if (!postings) return 0;
  if (isClean(ms)) return approximateFrequency(postings);
  const ids = internals(ms)._documentIds;
  let n = 0;
  for (const docs of postings.values()) {
    for (const shortId of docs.keys()) if (ids.has(shortId)) n++;
  }
  return n;
}

/** Approximate document frequency of an index term (field postings summed). */
export function documentFrequency(ms: AnyMiniSearch, term: string): number {
  return frequency(ms, internals(ms)._index.get(term));
}

/** Posting-list sizes summed over fields: O(fields), may count not-yet-vacuumed documents. */
function approximateFrequency(postings: FieldPostings): number {
  if (isCompact(postings)) return postings.postingCount();
  let n = 0;
  for (const docs of postings.values()) n += docs.size;
  return n;
}

/**
 * Index terms starting with `prefix` that pass `accept`, the `limit` most frequent first (ties:
 * shorter, then alphabetical). Walking the radix-tree subtree is cheap next to scoring every
 * expansion; frequencies are approximate (posting sizes) to keep the walk O(terms).
 */
export function prefixTerms(
  ms: AnyMiniSearch,
  prefix: string,
  limit: number,
  accept: (term: string) => boolean = () => true,
): { term: string; df: number }[] {
  const found: { term: string; df: number }[] = [];
  for (const [term, postings] of internals(ms)._index.atPrefix(prefix)) {
    if (!accept(term)) continue;
    const df = approximateFrequency(postings);
    if (df > 0) found.push({ term, df });
  }
  return rankPrefixCandidates(found, limit);
}

/** The `limit` most frequent candidates (ties: shorter, then alphabetical), as prefix expansion keeps them. */
export function rankPrefixCandidates<T extends { term: string; df: number }>(found: T[], limit: number): T[] {
  found.sort((a, b) => b.df - a.df || a.term.length - b.term.length || (a.term < b.term ? -1 : 1));
  return found.slice(0, limit);
}

/** Index terms within `maxDistance` edits of `term`, with distance and document frequency. */
export function fuzzyTerms(
  ms: AnyMiniSearch,
  term: string,
  maxDistance: number,
): { term: string; distance: number; df: number }[] {
  const out: { term: string; distance: number; df: number }[] = [];
  for (const [candidate, [postings, distance]] of internals(ms)._index.fuzzyGet(term, maxDistance)) {
    const df = frequency(ms, postings);
    if (df > 0) out.push({ term: candidate, distance, df });
  }
  return out;
}

/**
 * As {@link fuzzyTerms}, but walking the radix tree at most `budget.steps` characters (shared by
 * the calls given the same budget), then returning what it found so far (radix-tree.ts's
 * boundedFuzzyWalk).
 */
export function boundedFuzzyTerms(
  ms: AnyMiniSearch,
  term: string,
  maxDistance: number,
  budget: WalkBudget,
): { term: string; distance: number; df: number }[] {
  const out: { term: string; distance: number; df: number }[] = [];
  const tree = (internals(ms)._index as unknown as { _tree: RadixNode })._tree;
  boundedFuzzyWalk(tree, term, maxDistance, budget, (candidate, postings, distance) => {
    const df = frequency(ms, postings as FieldPostings);
    if (df > 0) out.push({ term: candidate, distance, df });
  });
  return out;
}

/** Some live document (external id) containing `term`, for mapping a stem back to a word. */
export function someDocumentWith(ms: AnyMiniSearch, term: string): string | undefined {
  const postings = internals(ms)._index.get(term);
  if (!postings) return undefined;
  const ids = internals(ms)._documentIds;
  for (const docs of postings.values()) {
    for (const shortId of docs.keys()) {
      const id = ids.get(shortId);
      if (id !== undefined) return id;
    }
  }
  return undefined;
}

/**
 * Number of live documents holding `term` in each field, by field id (posting counts; the index
 * must be clean, see isClean, as a partition of the archive always is).
 */
export function fieldFrequencies(ms: AnyMiniSearch, term: string): number[] {
  const state = internals(ms);
  const out = new Array<number>(Object.keys(state._fieldIds).length).fill(0);
  const postings = state._index.get(term);
  if (!postings) return out;
  for (let fieldId = 0; fieldId < out.length; fieldId++) {
    if (isCompact(postings)) out[fieldId] = postings.fieldCount(fieldId);
    else out[fieldId] = postings.get(fieldId)?.size ?? 0;
  }
  return out;
}

/** Document count and average field lengths (by field id): BM25's collection statistics. */
export function collectionStatistics(ms: AnyMiniSearch): { documentCount: number; avgFieldLength: number[] } {
  const state = internals(ms);
  return { documentCount: state._documentCount, avgFieldLength: [...state._avgFieldLength] };
}

/**
 * BM25's collection statistics when they are not the index's own: the archive-wide figures a time
 * partition scores with, so that its scores equal those of one index over the whole archive.
 */
export interface CollectionStats {
  documentCount: number;
  /** By field id. */
  avgFieldLength: readonly number[];
  /** Documents holding `term` in the field. */
  fieldFrequency(term: string, fieldId: number): number;
}

/** A term to score: index term, the query term it stands for, and its weight (MiniSearch's `termWeight × termBoost`). */
export interface ScoredTerm {
  term: string;
  weight: number;
  boost: number;
}

/** Field lengths as one dense array (shortId × fieldCount + fieldId), for one index state. */
interface DenseLengths {
  nextId: number;
  documentCount: number;
  fieldCount: number;
  lengths: Uint32Array;
}

const denseLengths = new WeakMap<object, DenseLengths>();

/**
 * MiniSearch keeps field lengths in a Map of small arrays: one lookup per scored posting. A dense
 * copy is kept per index, rebuilt when the index changed. Every `add` raises `_nextId` and every
 * `remove` lowers `_documentCount` while `_nextId` never falls, so the pair identifies the state.
 */
function fieldLengths(ms: AnyMiniSearch): DenseLengths {
  const state = internals(ms);
  const nextId = (ms as unknown as { _nextId: number })._nextId;
  const cached = denseLengths.get(ms);
  if (cached && cached.nextId === nextId && cached.documentCount === state._documentCount) return cached;
  const fieldCount = Object.keys(state._fieldIds).length;
  const lengths = new Uint32Array(Math.max(nextId, 1) * fieldCount);
  for (const [shortId, perField] of state._fieldLength) {
    for (let f = 0; f < fieldCount; f++) lengths[shortId * fieldCount + f] = perField[f] ?? 0;
  }
  const dense = { nextId, documentCount: state._documentCount, fieldCount, lengths };
  denseLengths.set(ms, dense);
  return dense;
}

/**
 * Gives an index its dense field lengths (shortId × fieldCount + fieldId) when they are at hand
 * anyway, as when a snapshot is decoded, so the first query does not build them.
 */
export function adoptFieldLengths(ms: AnyMiniSearch, lengths: Uint32Array): void {
  const state = internals(ms);
  const nextId = (ms as unknown as { _nextId: number })._nextId;
  const fieldCount = Object.keys(state._fieldIds).length;
  if (lengths.length < nextId * fieldCount) throw new Error('adoptFieldLengths: array too short');
  denseLengths.set(ms, { nextId, documentCount: state._documentCount, fieldCount, lengths });
}

/**
 * BM25F scoring (Robertson, Zaragoza & Taylor 2004, "Simple BM25 extension to multiple weighted
 * fields"), reading MiniSearch's postings and field lengths in place and accumulating in dense
 * arrays. A term's frequencies in the fields are length-normalised per field (each field its own
 * average length), weighted by `fieldWeights` and added into one pseudo-frequency, which is then
 * saturated once: a word in the title and the body counts as a word the article is more about, not
 * as two separate matches each saturating on its own (MiniSearch's own sum of per-field BM25,
 * measured 0.504 mean nDCG@10 against 0.514, docs/SEARCH.md). The IDF counts the documents holding
 * the term in the field where most do (the largest per-field document frequency, as Lucene's
 * CombinedFieldQuery does): exact over partitions, since it needs only summed per-field counts.
 *
 * Each group is a term, or a term and its fuzzy expansions, each scored on its own and summed in
 * order; groups are then added up per document in order. Matched terms are codes of `table`. With
 * `stats`, IDF and length normalisation use those figures instead of the index's own (a time
 * partition scoring as the whole archive would). Postings of discarded documents (see isClean) are
 * skipped and not counted, so such an index scores as one built without them.
 */
export function scoreTerms(
  ms: AnyMiniSearch,
  groups: readonly (readonly ScoredTerm[])[],
  fields: readonly string[],
  fieldWeights: Readonly<Record<string, number>>,
  bm25: { k: number; b: number },
  table: TermSetTable,
  stats?: CollectionStats,
): HitList {
  const state = internals(ms);
  const clean = isClean(ms);
  const live = state._documentIds;
  const dense = fieldLengths(ms);
  const { fieldCount, lengths } = dense;
  const totalCount = stats?.documentCount ?? state._documentCount;
  const { k, b } = bm25;
  const size = dense.nextId;
  const fieldIds = fields.map((field) => state._fieldIds[field] as number);
  const averages = stats?.avgFieldLength ?? state._avgFieldLength;
  // Totals over groups, one group's sums (NaN = not matched in this group), one term's
  // pseudo-frequencies (0 = not matched: every contribution is positive).
  const { total, matchedAny, group, pseudo, termSets, touched, inGroup, inTerm } = scratch(size);
  let touchedCount = 0;
  let inGroupCount = 0;
  let inTermCount = 0;
  try {
    for (const terms of groups) {
      for (const { term, weight, boost } of terms) {
        const postings = state._index.get(term);
        if (!postings) continue;
        let df = 0;
        for (const fieldId of fieldIds) {
          const n = stats
            ? stats.fieldFrequency(term, fieldId)
            : livePostingCount(postings, fieldId, clean ? null : live);
          if (n > df) df = n;
        }
        if (df === 0) continue;
        const idf = Math.log(1 + (totalCount - df + 0.5) / (df + 0.5));
        fields.forEach((field, f) => {
          const fieldId = fieldIds[f] as number;
          const fieldWeight = fieldWeights[field] ?? 1;
          const avgFieldLength = averages[fieldId] as number;
          const add = (shortId: number, freq: number): void => {
            if (!clean && !live.has(shortId)) return;
            const fieldLength = lengths[shortId * fieldCount + fieldId] as number;
            const share = (fieldWeight * freq) / (1 - b + (b * fieldLength) / avgFieldLength);
            const previous = pseudo[shortId] as number;
            if (previous === 0) inTerm[inTermCount++] = shortId;
            pseudo[shortId] = previous + share;
          };
          if (isCompact(postings)) postings.forEachPosting(fieldId, add);
          else for (const [shortId, freq] of postings.get(fieldId) ?? []) add(shortId, freq);
        });
        // Term-set transitions for this term: most postings repeat the previous one.
        const next: number[] = [];
        let lastFrom = -1;
        let lastTo = -1;
        const factor = weight * boost * idf;
        for (let n = 0; n < inTermCount; n++) {
          const shortId = inTerm[n] as number;
          const tf = pseudo[shortId] as number;
          pseudo[shortId] = 0;
          const score = (factor * (tf * (k + 1))) / (tf + k);
          const previous = group[shortId] as number;
          if (Number.isNaN(previous)) {
            group[shortId] = score;
            inGroup[inGroupCount++] = shortId;
          } else group[shortId] = previous + score;
          const from = termSets[shortId] as number;
          if (from !== lastFrom) {
            lastFrom = from;
            let to = next[from];
            if (to === undefined) {
              to = table.withTerm(from, term);
              next[from] = to;
            }
            lastTo = to;
          }
          termSets[shortId] = lastTo;
        }
        inTermCount = 0;
      }
      for (let n = 0; n < inGroupCount; n++) {
        const shortId = inGroup[n] as number;
        if (matchedAny[shortId] === 0) {
          matchedAny[shortId] = 1;
          touched[touchedCount++] = shortId;
          total[shortId] = group[shortId] as number;
        } else total[shortId] = (total[shortId] as number) + (group[shortId] as number);
        group[shortId] = Number.NaN;
      }
      inGroupCount = 0;
    }
    const out = new HitList(touchedCount);
    if (touchedCount * DENSE_SCAN_RATIO >= size) {
      // Many hits: a scan of the flags yields them in id order cheaper than sorting.
      for (let shortId = 0; shortId < size; shortId++) {
        if (matchedAny[shortId] === 1)
          out.push(shortId, total[shortId] as number, termSets[shortId] as number);
      }
    } else {
      const ids = touched.subarray(0, touchedCount).sort();
      for (const shortId of ids) out.push(shortId, total[shortId] as number, termSets[shortId] as number);
    }
    return out;
  } finally {
    // Leave the scratch arrays clean for the next call (only these slots were written).
    for (let n = 0; n < inTermCount; n++) pseudo[inTerm[n] as number] = 0;
    for (let n = 0; n < inGroupCount; n++) {
      const shortId = inGroup[n] as number;
      group[shortId] = Number.NaN;
      termSets[shortId] = 0;
    }
    for (let n = 0; n < touchedCount; n++) {
      const shortId = touched[n] as number;
      total[shortId] = 0;
      matchedAny[shortId] = 0;
      termSets[shortId] = 0;
    }
  }
}

/** Documents holding a term in one field: its posting count, or (`live` given) its live postings. */
function livePostingCount(
  postings: FieldPostings,
  fieldId: number,
  live: Map<number, string> | null,
): number {
  if (!live) return isCompact(postings) ? postings.fieldCount(fieldId) : (postings.get(fieldId)?.size ?? 0);
  let n = 0;
  const count = (shortId: number): void => {
    if (live.has(shortId)) n++;
  };
  if (isCompact(postings)) postings.forEachPosting(fieldId, count);
  else for (const shortId of postings.get(fieldId)?.keys() ?? []) count(shortId);
  return n;
}

/** Below one hit per this many documents, sorting the hit ids beats scanning every document's flag. */
const DENSE_SCAN_RATIO = 16;

interface Scratch {
  total: Float64Array;
  matchedAny: Uint8Array;
  group: Float64Array;
  /** One term's BM25F pseudo-frequency (0 = not matched). */
  pseudo: Float64Array;
  /** Matched-term set codes (TermSetTable; 0 = none yet). */
  termSets: Int32Array;
  /** Ids matched by any group so far, and by the current group, in first-match order. */
  touched: Int32Array;
  inGroup: Int32Array;
  /** Ids matched by the current term, in first-match order. */
  inTerm: Int32Array;
}

let scratchArrays: Scratch | null = null;

/**
 * Dense accumulators reused across calls (scoring is synchronous and not re-entrant): allocating
 * a few MB per broad query made the garbage collector a large share of tail latency. All typed:
 * a JS array of this length falls into dictionary mode, a hash operation per posting.
 */
function scratch(size: number): Scratch {
  if (!scratchArrays || scratchArrays.total.length < size) {
    const capacity = Math.max(size, Math.ceil((scratchArrays?.total.length ?? 0) * 1.5));
    scratchArrays = {
      total: new Float64Array(capacity),
      matchedAny: new Uint8Array(capacity),
      group: new Float64Array(capacity).fill(Number.NaN),
      pseudo: new Float64Array(capacity),
      termSets: new Int32Array(capacity),
      touched: new Int32Array(capacity),
      inGroup: new Int32Array(capacity),
      inTerm: new Int32Array(capacity),
    };
  }
  return scratchArrays;
}
