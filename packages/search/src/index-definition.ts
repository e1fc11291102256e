import type { Options, SearchOptions } from 'minisearch';
import { type Analyzer, createAnalyzer, tokenize } from './analysis';
import { LUCENE_STOP_WORDS } from './stop-words';

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
 * Title matches count double: titles are short, deliberate summaries. A general default (Lucene/ES
 * users commonly boost titles 2–3×); Cranfield is flat between 1.5 and 3 (docs/SEARCH.md).
 */
export const FIELD_BOOSTS: Record<SearchField, number> = { title: 2, body: 1 };

/**
 * BM25 parameters: textbook k1 = 1.2 and b = 0.75 (Robertson/Zaragoza; Lucene's defaults), and
 * MiniSearch's BM25+ lower bound d = 0.5. Not tuned to any collection.
 */
export const BM25_PARAMS = { k: 1.2, b: 0.75, d: 0.5 } as const;

/** The production analysis chain: Unicode words, folding, possessives, Lucene stop set, Porter. */
export const ANALYZER: Analyzer = createAnalyzer({ stopWords: LUCENE_STOP_WORDS, stem: true });

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
    tokenize,
    processTerm: (word) => analyzer.term(word) ?? null,
    searchOptions: DEFAULT_SEARCH_OPTIONS,
    // Vacuuming runs asynchronously on timers; the index is mutated by one writer and snapshotted
    // whole, so we keep it synchronous and predictable (stale postings are cleaned lazily on read).
    autoVacuum: false,
  };
}

/** The MiniSearch options of the production index. */
export const INDEX_OPTIONS: Options<IndexedFields> = miniSearchOptions();
