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
  executeQuery(query: Query, options?: object): Map<number, RawMatch>;
}

/**
 * MiniSearch's whole private state, as the snapshot codec (minisearch-codec.ts) reads and restores
 * it. Kept here so that this module stays the one description of MiniSearch's internals.
 */
export interface MiniSearchState {
  _index: {
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

/** Number of live documents containing `term` in any field (may count a document twice across fields). */
function frequency(ms: AnyMiniSearch, postings: FieldPostings | undefined): number {
  if (!postings) return 0;
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
