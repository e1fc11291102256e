import type { Options, SearchOptions } from 'minisearch';
import { type Analyzer, createAnalyzer } from '../text/analysis';
import { NLTK_STOP_WORDS } from '../text/stop-words';

/**
 * THE index definition: fields, boosts, stored fields, tokenizer and term processing, used by the
 * builder, the indexer and the snapshot loader alike. MiniSearch refuses (or silently misbehaves)
 * when a snapshot is loaded with other options, so nothing else may construct MiniSearch options.
 * Changing anything here that alters index terms must bump {@link INDEX_DEFINITION_VERSION}.
 *
 * The choices (stop list, stemming, BM25F weights and parameters) were made by measuring nDCG@10 with
 * `npm run eval`; see docs/SEARCH.md for the figures.
 */

/** Bumped whenever analysis or field layout changes; snapshots record it and loaders compare. */
export const INDEX_DEFINITION_VERSION = 1;

/** The document shape MiniSearch indexes. Metadata lives in ArchiveIndex, not in MiniSearch. */
export interface IndexedFields {
  id: string;
  title: string;
  body: string;
}

export const SEARCH_FIELDS = ['title', 'body'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/**
 * BM25F field weights (minisearch-internals.ts's scoreTerms): a title word counts three times a body
 * word in an article's combined term frequency before it is saturated. Headlines and paper titles
 * name what the text is about, and many short documents are a title and little else (CACM: half its
 * articles). Measured on the mean nDCG@10 of the four collections (docs/SEARCH.md): title weight
 * 1 / 2 / 3 / 5 → 0.508 / 0.513 / 0.514 / 0.513. (Under MiniSearch's own sum of per-field BM25
 * scores a title boost over-weighted titles; BM25F saturates the fields together instead.)
 */
export const FIELD_WEIGHTS: Record<SearchField, number> = { title: 3, body: 1 };

/**
 * BM25 parameters: textbook k1 = 1.2 and b = 0.75 (Robertson/Zaragoza; Lucene's defaults), the same b
 * for every field. `d` = 0 is MiniSearch's BM25+ lower bound, off (its own `search()` only; BM25+
 * measured lower, docs/SEARCH.md). Nearby values move the mean nDCG@10 by < 0.005.
 */
export const BM25_PARAMS = { k: 1.2, b: 0.75, d: 0 } as const;

/** The production analysis chain: Unicode words, folding, possessives, NLTK stop set, Porter. */
export const ANALYZER: Analyzer = createAnalyzer({ stopWords: NLTK_STOP_WORDS, stem: true });

/**
 * MiniSearch's own `search()` defaults. The engine never calls it (it scores with scoreTerms, BM25F,
 * minisearch-internals.ts); they matter only to an ad hoc `search()` on the index.
 */
export const DEFAULT_SEARCH_OPTIONS: SearchOptions = {
  boost: FIELD_WEIGHTS,
  bm25: { ...BM25_PARAMS },
};

/** Builds MiniSearch options for an analysis chain; production always passes {@link ANALYZER}. */
export function miniSearchOptions(analyzer: Analyzer = ANALYZER): Options<IndexedFields> {
  return {
    idField: 'id',
    fields: [...SEARCH_FIELDS],
    // Nothing stored inside MiniSearch: per-article metadata and text live in ArchiveIndex.
    storeFields: [],
    // Analysis happens in `tokenize` so that MiniSearch's field length (it counts the distinct
    // tokens it is given) is the number of distinct index terms, not of raw spellings.
    tokenize: (text) => analyzer.terms(text),
    processTerm: (term) => term,
    searchOptions: DEFAULT_SEARCH_OPTIONS,
    // Vacuuming runs asynchronously on timers; the index is mutated by one writer and snapshotted
    // whole, so we keep it synchronous and predictable (stale postings are cleaned lazily on read).
    autoVacuum: false,
  };
}

/** The MiniSearch options of the production index. */
export const INDEX_OPTIONS: Options<IndexedFields> = miniSearchOptions();
