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
  /** Loads of this process (a new publication or an in-process index handed over). */
  revision: number;
  /** Time of the newest write to the store, where the process sees the store's changes (locally). */
  lastStoreChange?: string | null;
  /** How far search is behind that write, in ms (0 when it contains it). */
  behindMs?: number;
}

export interface StoreProgress {
  /** `updatedAt` of the newest change record this process has seen (null: none since start). */
  lastStoreChange: string | null;
}

/**
 * Describes the index a search process serves, for `GET /health`.
 *
 * @param loaded what the loader serves now
 * @param now epoch milliseconds
 * @param store the newest store write this process knows of, when it follows the store's changes
 *   itself (the local runtime); on AWS the search function sees only snapshots
 */
export function indexHealth(loaded: LoadedIndex<Searcher>, now: number, store?: StoreProgress): IndexHealth {
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
    revision: loaded.revision,
    ...(store ? behind(loaded.highWatermark, store.lastStoreChange, now) : {}),
  };
}

function behind(
  indexedThrough: string | null,
  lastStoreChange: string | null,
  now: number,
): { lastStoreChange: string | null; behindMs: number } {
  const caughtUp = lastStoreChange === null || (indexedThrough ?? '') >= lastStoreChange;
  return {
    lastStoreChange,
    behindMs: caughtUp ? 0 : Math.max(0, now - Date.parse(lastStoreChange as string)),
  };
}
