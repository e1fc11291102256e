import type { Searcher } from '../documents/searcher';
import type { LoadedIndex } from './index-loader';

/** The `index` part of `GET /health`: which publication is served and how old its contents are. */
export interface IndexHealth {
  /** Publication version served (0: nothing published yet, an empty index is served). */
  version: number;
  /** Live articles in the index. */
  articles: number;
  /** When the served publication was made, if known. */
  publishedAt: string | null;
  /** Time of the newest change the index contains (null before the first change). */
  highWatermark: string | null;
  /** When this process started serving the index. */
  loadedAt: string;
  /**
   * Seconds since `highWatermark`: an upper bound on how far search is behind the store. Nothing
   * written after that instant is searchable yet; when nothing was written since, the index is
   * current however large the figure.
   */
  secondsSinceLastChange: number | null;
  /** Seconds since `publishedAt`. */
  secondsSincePublished: number | null;
}

/**
 * Describes the index a search process serves, for `GET /health`.
 *
 * @param loaded what the loader serves now
 * @param now epoch milliseconds
 */
export function indexHealth(loaded: LoadedIndex<Searcher>, now: number): IndexHealth {
  const secondsSince = (iso: string | null) => {
    const at = iso === null ? Number.NaN : Date.parse(iso);
    return Number.isNaN(at) ? null : Math.max(0, Math.round((now - at) / 100) / 10);
  };
  return {
    version: loaded.version,
    articles: loaded.articleCount,
    publishedAt: loaded.publishedAt,
    highWatermark: loaded.highWatermark,
    loadedAt: new Date(loaded.since).toISOString(),
    secondsSinceLastChange: secondsSince(loaded.highWatermark),
    secondsSincePublished: secondsSince(loaded.publishedAt),
  };
}
