import type { BlobStore, Clock } from '@archive/core';
import type { Searcher } from '../documents/searcher';
import { PartitionedIndex } from '../partitions/partitioned-index';
import { decodeManifest, MANIFEST_KEY, type Manifest } from '../snapshot/snapshot-manifest';
import type { IndexState } from './indexer';
import { loadPublished, loadSnapshotOf } from './snapshot-publisher';

/** What the search function serves from: an index and where it came from. */
export interface LoadedIndex<S extends Searcher = PartitionedIndex> {
  index: S;
  /** Publication version (0: nothing published yet). */
  version: number;
  /** Orders in-memory states of the same version handed over by a local indexer. */
  revision: number;
  articleCount: number;
  highWatermark: string | null;
  /**
   * When the publication served was made (the manifest's `createdAt`); null when unknown: nothing
   * published yet, or a state handed over in process by a local indexer.
   */
  publishedAt: string | null;
  /** When this index became current (epoch ms). */
  since: number;
}

export interface IndexLoaderOptions<S extends Searcher = PartitionedIndex> {
  store: BlobStore;
  /** Minimum time between two manifest checks (default 2000 ms). */
  refreshIntervalMs?: number;
  /** Also check on a timer (long-running local server); Lambda relies on checks per request. */
  watch?: boolean;
  now?: Clock;
  onError?: (error: unknown) => void;
  /**
   * Stored snapshot → what to serve; default `decodeSnapshot` (this thread). The search function
   * passes a loader into worker threads (partitions/worker-loader.ts).
   */
  decode?: (bytes: Uint8Array) => Promise<S>;
  /** What to serve before anything was published (default: an empty index). */
  empty?: () => S;
  /**
   * How long a replaced index stays open for requests still running on it before `close()` is
   * called on it (default 30 s; an in-thread index has nothing to close).
   */
  retireAfterMs?: number;
}

/**
 * Keeps the search function's index current.
 *
 * `current()` never waits: it returns the index in hand and, when the last check is older than
 * the refresh interval, starts a background check — a conditional read of the manifest that
 * costs a 304 when nothing changed. A new snapshot is fetched and decoded off the request path
 * and swapped in with one assignment, so a request sees either the old index or the new one,
 * and never a half-loaded snapshot (snapshots are immutable; only the manifest moves).
 */
export class IndexLoader<S extends Searcher = PartitionedIndex> {
  private loaded: LoadedIndex<S>;
  private etag: string | null;
  private lastCheck: number;
  private inFlight: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly now: Clock;

  private constructor(
    private readonly options: IndexLoaderOptions<S>,
    initial: { index: S; manifest: Manifest | null; etag: string | null },
  ) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.refreshIntervalMs ?? 2000;
    this.loaded = fromManifest(initial.index, initial.manifest, this.now());
    this.etag = initial.etag;
    this.lastCheck = this.now();
    if (options.watch) {
      this.timer = setInterval(() => void this.refresh(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Loads the current snapshot (or an empty index when none was published yet). */
  static async open<S extends Searcher = PartitionedIndex>(
    options: IndexLoaderOptions<S>,
  ): Promise<IndexLoader<S>> {
    const empty = options.empty ?? (() => PartitionedIndex.empty() as unknown as S);
    const initial = await loadPublished<S>(options.store, empty, options.decode);
    return new IndexLoader(options, initial);
  }

  /** The index to answer this request with; may start a background freshness check. */
  current(): LoadedIndex<S> {
    if (this.now() - this.lastCheck >= this.intervalMs) void this.refresh();
    return this.loaded;
  }

  /**
   * Checks the manifest now and loads a newer snapshot if there is one; resolves true when the
   * index changed. Concurrent calls share one check. Errors keep the current index served.
   */
  refresh(): Promise<boolean> {
    if (!this.inFlight) {
      this.lastCheck = this.now();
      this.inFlight = this.check()
        .catch((error: unknown) => {
          this.options.onError?.(error);
          return false;
        })
        .finally(() => {
          this.inFlight = null;
        });
    }
    return this.inFlight;
  }

  /**
   * Accepts an index handed over in process by a local indexer, so local ingest is searchable
   * without a round trip through the blob store. Older states than the one served are ignored.
   */
  offer(state: IndexState & { index: S }): void {
    if (!isNewer(state, this.loaded)) return;
    const samePublication = state.version === this.loaded.version && state.unpublished === 0;
    this.retire(this.loaded.index, state.index);
    this.loaded = {
      index: state.index,
      version: state.version,
      revision: state.revision,
      articleCount: state.articleCount,
      highWatermark: state.highWatermark,
      publishedAt: samePublication ? this.loaded.publishedAt : null,
      since: this.now(),
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    void this.loaded.index.close?.();
  }

  /** Closes a replaced index once requests still running on it are done (worker threads). */
  private retire(old: S, next: S): void {
    if (old === next || !old.close) return;
    const timer = setTimeout(() => void old.close?.(), this.options.retireAfterMs ?? 30_000);
    timer.unref();
  }

  private async check(): Promise<boolean> {
    const { store } = this.options;
    const found = this.etag
      ? await store.readIfChanged(MANIFEST_KEY, this.etag)
      : await store.read(MANIFEST_KEY);
    if (found === 'unchanged' || found === null) return false; // a vanished manifest keeps the index served
    const manifest = decodeManifest(found.bytes);
    if (manifest.version <= this.loaded.version) {
      // Already serving this publication or newer (handed over in process): only remember the tag.
      this.etag = found.etag;
      return false;
    }
    const index = await loadSnapshotOf<S>(store, manifest, this.options.decode);
    if (manifest.version <= this.loaded.version) {
      void index.close?.(); // an offer overtook the load
      return false;
    }
    this.retire(this.loaded.index, index);
    this.loaded = fromManifest(index, manifest, this.now());
    this.etag = found.etag;
    return true;
  }
}

function fromManifest<S extends Searcher>(
  index: S,
  manifest: Manifest | null,
  since: number,
): LoadedIndex<S> {
  return {
    index,
    version: manifest?.version ?? 0,
    revision: 0,
    articleCount: index.size,
    highWatermark: manifest?.highWatermark ?? null,
    publishedAt: manifest?.createdAt ?? null,
    since,
  };
}

function isNewer(
  a: { version: number; revision: number },
  b: { version: number; revision: number },
): boolean {
  return a.version > b.version || (a.version === b.version && a.revision > b.revision);
}
