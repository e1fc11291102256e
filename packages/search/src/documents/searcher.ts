import type { SuggestResponse } from '../query/suggest';
import type { SearchRequest, SearchResponse } from './search-types';

/**
 * What the search routes and the loader serve: the index of this thread (`PartitionedIndex`,
 * answering synchronously), or partitions held by worker threads (`PartitionedSearch`).
 */
export interface Searcher {
  /** Live articles. */
  readonly size: number;
  query(request: SearchRequest): SearchResponse | Promise<SearchResponse>;
  suggest(q: string, limit?: number): SuggestResponse | Promise<SuggestResponse>;
  /** Releases what it holds (worker threads); absent when there is nothing to release. */
  close?(): Promise<void>;
}
