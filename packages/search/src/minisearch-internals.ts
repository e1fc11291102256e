import type MiniSearch from 'minisearch';
import type { Query } from 'minisearch';

/**
 * The one place that reaches into MiniSearch 7.2 internals (pinned by minisearch-internals.test.ts).
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

interface SearchableMapLike {
  get(term: string): FieldPostings | undefined;
  atPrefix(prefix: string): Iterable<[string, FieldPostings]>;
  fuzzyGet(term: string, maxDistance: number): Map<string, [FieldPostings, number]>;
}

interface Internals {
  _index: SearchableMapLike;
  _documentIds: Map<number, string>;
  _idToShortId: Map<string, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _dirtCount: number;
  executeQuery(query: Query, options?: object): Map<number, RawMatch>;
}

/**
 * MiniSearch's whole private state, as the snapshot codec (minisearch-codec.ts) reads and restores
 * it. Kept here so that this module stays the one description of MiniSearch's internals.
 */
export interface MiniSearchState {
  _index: {
    get(term: string): FieldPostings | undefined;
    set(term: string, data: FieldPostings): unknown;
    [Symbol.iterator](): Iterator<[string, FieldPostings]>;
  };
  _documentCount: number;
  _nextId: number;
  _documentIds: Map<number, unknown>;
  _idToShortId: Map<unknown, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _storedFields: Map<number, Record<string, unknown> | undefined>;
  _dirtCount: number;
}

/** The private state of a MiniSearch instance (for the snapshot codec only). */
export function stateOf(ms: AnyMiniSearch): MiniSearchState {
  return ms as unknown as MiniSearchState;
}

function internals(ms: MiniSearch<never> | MiniSearch<unknown>): Internals {
  return ms as unknown as Internals;
}

// biome-ignore lint/suspicious/noExplicitAny: MiniSearch's document type does not matter here.
type AnyMiniSearch = MiniSearch<any>;

/** Runs a query tree and returns raw matches keyed by MiniSearch's short document ids. */
export function executeRaw(ms: AnyMiniSearch, query: Query): Map<number, RawMatch> {
  return internals(ms).executeQuery(query, {});
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

/** A term to score: index term, the query term it stands for, and its weight (MiniSearch's `termWeight × termBoost`). */
export interface ScoredTerm {
  term: string;
  weight: number;
  boost: number;
}

/** Per-document result of {@link scoreTerms}: BM25 sum and the index terms matched. */
export interface TermScore {
  score: number;
  terms: ReadonlySet<string>;
}

/**
 * MiniSearch 7.2's BM25 scoring of a list of index terms over `fields` (its `termResults`, summed
 * in the same order with the same arithmetic, so scores are bit-identical), without its per-hit
 * `match` objects and reading compact postings in place. Every document matched by exactly the
 * same terms shares one `terms` set (treat it as immutable). Returns null when the index is not
 * clean (see isClean): the caller then uses {@link executeRaw}.
 */
export function scoreTerms(
  ms: AnyMiniSearch,
  terms: readonly ScoredTerm[],
  fields: readonly string[],
  fieldBoosts: Readonly<Record<string, number>>,
  bm25: { k: number; b: number; d: number },
): Map<number, TermScore> | null {
  if (!isClean(ms)) return null;
  const state = internals(ms);
  const out = new Map<number, TermScore>();
  const totalCount = state._documentCount;
  const { k, b, d } = bm25;
  // term sets: current set → set with `term` added, so documents share sets.
  for (const { term, weight, boost } of terms) {
    const postings = state._index.get(term);
    if (!postings) continue;
    const only: ReadonlySet<string> = new Set([term]);
    const extended = new Map<ReadonlySet<string>, ReadonlySet<string>>();
    const withTerm = (set: ReadonlySet<string>): ReadonlySet<string> => {
      if (set.has(term)) return set;
      let next = extended.get(set);
      if (!next) {
        next = new Set([...set, term]);
        extended.set(set, next);
      }
      return next;
    };
    for (const field of fields) {
      const fieldBoost = fieldBoosts[field] || 1;
      const fieldId = state._fieldIds[field] as number;
      const avgFieldLength = state._avgFieldLength[fieldId] as number;
      const factor = weight * boost * fieldBoost * 1;
      let idf = 0;
      const begin = (matching: number): void => {
        idf = Math.log(1 + (totalCount - matching + 0.5) / (matching + 0.5));
      };
      const add = (shortId: number, freq: number): void => {
        const fieldLength = (state._fieldLength.get(shortId) as number[])[fieldId] as number;
        const raw = idf * (d + (freq * (k + 1)) / (freq + k * (1 - b + (b * fieldLength) / avgFieldLength)));
        const score = factor * raw;
        const existing = out.get(shortId);
        if (existing) {
          existing.score += score;
          existing.terms = withTerm(existing.terms);
        } else out.set(shortId, { score, terms: only });
      };
      if (isCompact(postings)) postings.forEachPosting(fieldId, add, begin);
      else {
        const docs = postings.get(fieldId);
        if (!docs) continue;
        begin(docs.size);
        for (const [shortId, freq] of docs) add(shortId, freq);
      }
    }
  }
  return out;
}
