import type { ArchiveIndex } from '../documents/archive-index';
import type { SimpleHit } from '../documents/indexed-article';
import { type SearchRequest, type SearchResponse, simpleHits } from '../documents/search';
import type { SuggestResponse } from '../query/suggest';
import { runSync, searchSteps } from './coordinator';
import { LocalPartitionHost } from './local-host';
import type { Placement } from './rounds';
import { suggestSteps } from './suggest-steps';

/**
 * Search over indexes of this thread (one host), answering synchronously: the base of both
 * `PartitionedIndex` (year partitions) and `SegmentedIndex` (segments), each index searched as a
 * partition of the coordinator. The description of the parts is cached until {@link invalidate}
 * (which a subclass calls on every change).
 */
export abstract class ThreadSearch {
  private cache: Placement[] | null = null;
  private readonly host: LocalPartitionHost;

  /** `parts` is the subclass's own live map of indexes by key. */
  protected constructor(parts: ReadonlyMap<string, ArchiveIndex>) {
    this.host = new LocalPartitionHost(parts);
  }

  protected invalidate(): void {
    this.cache = null;
  }

  /** Runs a search over every part: see search.ts for the request and coordinator.ts for how. */
  query(request: SearchRequest): SearchResponse {
    return runSync(searchSteps(this.placements(), request));
  }

  /** Search-box completions over every part: see suggest.ts. */
  suggest(q: string, limit?: number): SuggestResponse {
    return runSync(suggestSteps(this.placements(), q, limit));
  }

  /** The first `limit` hits of `q` by relevance (all words must match). */
  search(q: string, limit = 10): SimpleHit[] {
    return simpleHits(this.query({ q, limit }));
  }

  private placements(): Placement[] {
    if (!this.cache) {
      this.cache = this.host.describe().map((info) => ({ host: this.host, info }));
      this.cache.sort((a, b) => (a.info.key < b.info.key ? -1 : a.info.key > b.info.key ? 1 : 0));
    }
    return this.cache;
  }
}
