import type { QueryMode, QueryNote } from '../query/ast';
import type { FilterInput } from '../query/filters';
import type { Facets } from './facets';
import type { Histogram, HistogramRequest } from './histogram';

export type SortOrder = 'relevance' | 'newest' | 'oldest';

/** A search request (already validated for shape by the API; values are checked here). */
export interface SearchRequest extends FilterInput {
  q?: string | undefined;
  /** `auto` (default), `all` or `natural` (see QueryMode). */
  mode?: QueryMode | undefined;
  /** Refuse a query whose operators do not parse (400 with its position) instead of reading it as text. */
  strict?: boolean | undefined;
  /**
   * Read `q` as plain words whatever it holds: set by the engine itself when a default-mode query
   * with operators matched nothing (the answer says so in `notes`).
   */
  asText?: boolean | undefined;
  sort?: SortOrder | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  /** Counts per day, week, month or year over the whole filtered result set (see histogram.ts). */
  histogram?: HistogramRequest | undefined;
  /**
   * `false`: the hits carry no snippet (`''`) and an unmarked title (escaped), which saves most of
   * the cost of a page, for callers that read hits only to group or count them (`collapse=story`
   * reads up to 500). Not a `GET /search` parameter. Default `true`.
   */
  snippets?: boolean | undefined;
}

export interface SearchHit {
  id: string;
  title: string;
  /** Title, HTML-escaped, with matched terms in `<mark>`. */
  titleHighlighted: string;
  publishedAt: string;
  /** The dateline's wall time with its offset (`2024-11-27T22:30:00+02:00`), from the article's zone. */
  localTime: string;
  timeZone: string | null;
  place: string | null;
  source: string | null;
  language: string;
  /** The article's story (its own id when no earlier copy was found); see `collapse=story`. */
  storyId: string;
  /** Best body passage, HTML-escaped, with matched terms in `<mark>`. */
  snippet: string;
  /** BM25 score (0 when listing without `q`). */
  score: number;
  /** Default mode, plain words: the words (as typed) this article does not hold. */
  missing?: string[];
}

export interface SearchResponse {
  query: {
    q: string;
    mode: QueryMode;
    strict: boolean;
    sort: SortOrder;
    limit: number;
    from: string | null;
    to: string | null;
    place: string | null;
    source: string | null;
    language: string | null;
    tags: string[];
    tz: string;
    histogram: HistogramRequest | null;
  };
  total: number;
  results: SearchHit[];
  facets: Facets;
  nextCursor: string | null;
  indexVersion: string;
  tookMs: number;
  /**
   * Plain words in the default mode: the words (as typed) the results were not required to contain
   * (every word of a relaxed answer; else words found in no article or left out of a long request);
   * empty when every word was required.
   */
  missing?: string[];
  /** How the query was read when it was not as typed (a syntax slip read as text, a cut). */
  notes?: QueryNote[];
  didYouMean?: string;
  /** Present when the request asked for `histogram`. */
  histogram?: Histogram;
  /**
   * Present only when some partitions could not be searched (a partition function timed out or was
   * throttled, partitions/remote-search.ts): `total`, facets and results then count the partitions
   * that answered, and `missing` gives the time ranges of those that did not.
   */
  incomplete?: {
    missing: { partition: string; from: string | null; to: string | null }[];
    unreachable: string[];
  };
}
