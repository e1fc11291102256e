import type { Options, SearchOptions } from 'minisearch';
import { type Analyzer, createAnalyzer } from '../text/analysis';
import { NLTK_STOP_WORDS } from '../text/stop-words';

/**
 * THE index definition: fields, boosts, stored fields, tokenizer and term processing, used by the
 * builder, the indexer and the snapshot loader alike. MiniSearch refuses (or silently misbehaves)
 * when a snapshot is loaded with other options, so nothing else may construct MiniSearch options.
 * Changing anything here that alters index terms must bump {@link INDEX_DEFINITION_VERSION}.
 *
 * The choices (stop list, stemming, BM25 parameters, title boost) were made by measuring nDCG@10 on
 * Cranfield with `npm run eval`; see docs/SEARCH.md for the figures.
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
 * No extra title weight. MiniSearch scores each field with its own BM25 (own IDF and length
 * normalisation) and adds them up, so a title word already counts in both fields and the short
 * title field saturates quickly; an extra boost over-weights titles (measured: nDCG@10 0.402 at 1,
 * 0.380 at 2 on Cranfield, docs/SEARCH.md).
 */
export const FIELD_BOOSTS: Record<SearchField, number> = { title: 1, body: 1 };

/**
 * BM25 parameters: textbook k1 = 1.2 and b = 0.75 (Robertson/Zaragoza; Lucene's defaults) and plain
 * BM25 (d = 0, MiniSearch's BM25+ lower bound off). Nearby values move nDCG@10 by < 0.01.
 */
export const BM25_PARAMS = { k: 1.2, b: 0.75, d: 0 } as const;

/** The production analysis chain: Unicode words, folding, possessives, NLTK stop set, Porter. */
export const ANALYZER: Analyzer = createAnalyzer({ stopWords: NLTK_STOP_WORDS, stem: true });

/** Default search options (also applied to every sub-query the engine builds). */
export const DEFAULT_SEARCH_OPTIONS: SearchOptions = {
  boost: FIELD_BOOSTS,
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
