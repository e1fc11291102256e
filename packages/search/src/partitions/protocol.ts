import type { CursorState } from '../documents/cursor';
import type { FacetCounts } from '../documents/facets';
import type { WordsDecision } from '../documents/plain-words';
import type { SearchHit } from '../documents/search-types';
import type { FuzzyMatch } from '../query/fuzzy';
import type { WordCounts } from '../query/relax';
import type { NormalisedRequest } from '../query/search-request';

/**
 * The messages between the search coordinator (coordinator.ts) and the hosts of time partitions
 * (one partition = one ArchiveIndex over a period of publication time). Every message is plain
 * data (objects, arrays and Maps, as structured clone carries them), so a host can live in the same
 * thread, in a worker thread or, later, in another function instance, behind the same
 * {@link PartitionHost} interface. Maps, not objects, are keyed by words: a word such as
 * `constructor` must not meet a property of Object.prototype.
 *
 * A search takes three to four rounds, so that the merged answer is the one a single index over the whole
 * archive would give (same hits, same BM25 scores up to floating-point rounding, same totals):
 *
 * 1. `termStats`: each partition reports the document frequencies of the query's terms and the
 *    candidates of its prefix and fuzzy words. The coordinator sums them into archive-wide
 *    statistics ({@link GlobalTerms}): BM25's IDF and average field length must be the collection's,
 *    not the partition's, or a word rare in one period would outscore the same word elsewhere. A
 *    fuzzy word's stems are found through each partition's own words, so a query with fuzzy words
 *    asks a second `termStats` for the frequencies of every stem found, in every partition.
 * 2. `search`: each partition runs the query with those statistics and returns its total, its facet
 *    counts and its best candidates (ids and sort keys only).
 * 3. `bonuses` (relevance, queries with word pairs): the proximity re-rank's bonus for the
 *    archive's best RERANK_DEPTH hits by BM25, from the partitions that hold them.
 * 4. `render`: the hosts of the merged page's hits render them (title, highlighting, snippet).
 */

/** What a host says about each partition it holds. */
export interface PartitionInfo {
  key: string;
  documentCount: number;
  /** The partition's index version (changes with every change applied). */
  version: string;
  /** Earliest and latest publication instants (epoch ms) of its articles; null when empty. */
  firstMs: number | null;
  lastMs: number | null;
  /** Held by a partition function only until its new owner serves it (partitions/assignment.ts). */
  draining?: boolean;
  /**
   * The index partition (a time range of the segmented index) this one belongs to, when it is a
   * segment served by a partition function; see {@link PublishedLayout}.
   */
  partition?: string;
}

/**
 * The index partitions of the publication a partition function loaded, whoever holds them: replies
 * carry it so that the coordinator, which holds no index, knows what the archive has and can mark
 * an answer incomplete when a partition is on no function (a hand-over whose new owner has not
 * loaded it while the former one's instance started cold with its new share only).
 */
export interface PublishedLayout {
  /** The manifest version of that publication. */
  version: number;
  partitions: { id: string; firstMs: number | null; lastMs: number | null }[];
}

/** Round 1 request: the terms whose statistics the query needs. */
export interface TermLookup {
  /** Index terms (exact words, phrase words). */
  terms: string[];
  /** Typed prefixes (folded, unstemmed), as in the plan. */
  prefixes: string[];
  /** Fuzzy words (folded, unstemmed, as typed) with their edit distance. */
  fuzzy: { word: string; distance: number }[];
  /**
   * The fuzzy words are spelling candidates (didYouMean): their walks share a bound
   * (MAX_SPELLCHECK_STEPS per partition), so a hint never costs more than a search.
   */
  spellcheck?: boolean;
}

/** Round 1 answer of one partition (or the sum over several). */
export interface TermStats {
  documentCount: number;
  /** Sum of the field lengths of its documents, per field id (to combine average lengths). */
  fieldLengthTotals: number[];
  /** Index term → number of documents holding it, per field id (exact terms and every candidate). */
  df: Map<string, number[]>;
  /** Typed prefix → index terms it may stand for (every one, not only the most frequent). */
  prefixes: Map<string, string[]>;
  /**
   * {@link fuzzyKey} → the index terms of the words within the distance (query/fuzzy.ts: one per
   * term, through its closest word, the word's own term left out).
   */
  fuzzy: Map<string, FuzzyMatch[]>;
}

/** Archive-wide statistics and expansions every partition scores with (round 1, merged). */
export interface GlobalTerms {
  documentCount: number;
  avgFieldLength: number[];
  df: Map<string, number[]>;
  /** Typed prefix → [index term, weight], the most frequent first, bounded as a single index bounds it. */
  prefixes: Map<string, [string, number][]>;
  /** As {@link TermStats.fuzzy}, over the archive, terms no article holds left out. */
  fuzzy: Map<string, FuzzyMatch[]>;
}

/**
 * The coordinator's reading of a request (query/search-request.ts): the plan with every word
 * analysed, the resolved filters, the order and page size. Partitions execute it as it is; none
 * reads `q` again, so a request is parsed, analysed and checked once, wherever its partitions are.
 */
export type PartitionRequest = Pick<
  NormalisedRequest,
  'plan' | 'mode' | 'hasQuery' | 'sort' | 'limit' | 'filters' | 'histogram' | 'timeZone'
>;

/** Round 2 request. */
export interface PartitionQuery {
  request: PartitionRequest;
  /** Cursor position (already checked by the coordinator), or null for the first page. */
  after: Pick<CursorState, 'k' | 'i'> | null;
  global: GlobalTerms;
  /**
   * Natural mode's second pass: the expanded query (RM3 weights) to run instead of `q`. The
   * first pass is a `feedback` round (see {@link PartitionHost.feedback}).
   */
  weights?: [string, number][];
  /**
   * A plain-words query (query/relax.ts): the words searched, chosen from archive-wide frequencies,
   * and those an answer must hold (decided from the `levels` round).
   */
  words?: WordsDecision;
  /** `false`: the page is rendered without snippets, so a host renders nothing ahead. */
  snippets?: boolean;
}

/** A hit as the merge needs it. */
export interface Candidate {
  id: string;
  /** BM25 score (relevance) before any proximity bonus; 0 without a query. */
  score: number;
  /** Publication instant, epoch ms. */
  time: number;
  /** Index terms it matched (for highlighting). */
  terms: string[];
}

/** Round 2 answer of one partition. */
export interface PartitionResult {
  key: string;
  /** Hits that pass the filters. */
  total: number;
  facets: FacetCounts;
  /** Relevance with proximity pairs: the partition's best RERANK_DEPTH hits by BM25. */
  best: Candidate[];
  /**
   * Its best hits strictly after the cursor by the partition-local key (BM25 score, or time):
   * `limit + RERANK_DEPTH` of them for relevance, `limit` for date sorts.
   */
  page: Candidate[];
  /** How many of its hits are strictly after the cursor by that key. */
  after: number;
}

/** Natural mode's first pass: a partition's best hits and their texts. */
export interface FeedbackCandidate {
  id: string;
  score: number;
  texts: string[];
}

/** Between rounds 2 and 3 (relevance with word pairs): articles of a partition to score proximity for. */
export interface BonusRequest {
  key: string;
  ids: string[];
}

/** Round 3 request: hits of the page held by one partition. */
export interface RenderRequest {
  key: string;
  hits: { id: string; score: number; terms: string[] }[];
  /** `false`: no snippet, the title unmarked (the request's `snippets`); absent means `true`. */
  snippets?: boolean;
}

/**
 * One host of partitions, answering synchronously: the partitions of this thread. Every method
 * takes the keys of the partitions it is asked about (a host may hold several).
 */
export interface SyncPartitionHost {
  describe(): PartitionInfo[];
  /** Summed over the named partitions. */
  termStats(keys: string[], lookup: TermLookup): TermStats;
  feedback(keys: string[], query: PartitionQuery, count: number): FeedbackCandidate[];
  /** Plain words: filtered articles holding all or some searched words (query/relax.ts), summed. */
  wordCounts(keys: string[], query: PartitionQuery): WordCounts;
  search(keys: string[], query: PartitionQuery): PartitionResult[];
  /** Proximity bonuses (proximity.ts) of the named articles, by id. */
  bonuses(requests: BonusRequest[], query: PartitionQuery): Map<string, number>;
  render(requests: RenderRequest[]): SearchHit[];
  /** A surface form (a word as written in some article) of each index term, for suggestions. */
  surfaceForms(keys: string[], terms: string[], startingWith: string): Map<string, string>;
}

/** The same calls, answered asynchronously: partitions in a worker thread, or elsewhere. */
export type PartitionHost = {
  [M in keyof SyncPartitionHost]: (
    ...args: Parameters<SyncPartitionHost[M]>
  ) => Promise<ReturnType<SyncPartitionHost[M]>>;
} & { close(): Promise<void> };

export type HostMethod = keyof SyncPartitionHost;

/** Documents holding `term` in any field (per-field counts summed), from a `df` table above. */
export function frequencyIn(df: ReadonlyMap<string, readonly number[]>, term: string): number {
  let n = 0;
  for (const count of df.get(term) ?? []) n += count;
  return n;
}

/** Key of a fuzzy lookup (a typed word) in {@link TermStats.fuzzy} and {@link GlobalTerms.fuzzy}. */
export function fuzzyKey(word: string, distance: number): string {
  return `${word}~${distance}`;
}
