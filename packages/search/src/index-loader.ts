import type { BlobStore } from '../../store/src/blob-store';
import { ArchiveIndex } from './archive-index';
import type { IndexState } from './indexer';
import { decodeManifest, MANIFEST_KEY, type Manifest } from './snapshot-manifest';
import { loadPublished, loadSnapshotOf } from './snapshot-publisher';

/** What the search function serves from: an index and where it came from. */
export interface LoadedIndex {
  index: ArchiveIndex;
  /** Publication version (0: nothing published yet). */
  version: number;
  /** Orders in-memory states of the same version handed over by a local indexer. */
  revision: number;
  articleCount: number;
  highWatermark: string | null;
  /** When this index became current (epoch ms). */
  since: number;
}

export interface IndexLoaderOptions {
  store: BlobStore;
  /** Minimum time between two manifest checks (default 2000 ms). */
  refreshIntervalMs?: number;
  /** Also check on a timer (long-running local server); Lambda relies on checks per request. */
  watch?: boolean;
  now?: () => number;
  onError?: (error: unknown) => void;
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
export class IndexLoader {
  private loaded: LoadedIndex;
  private etag: string | null;
  private lastCheck: number;
  private inFlight: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;

  private constructor(
    private readonly options: IndexLoaderOptions,
    initial: { index: ArchiveIndex; manifest: Manifest | null; etag: string | null },
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
  static async open(options: IndexLoaderOptions): Promise<IndexLoader> {
    const initial = await loadPublished(options.store, () => ArchiveIndex.empty());
    return new IndexLoader(options, initial);
  }

  /** The index to answer this request with; may start a background freshness check. */
  current(): LoadedIndex {
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
  offer(state: IndexState): void {
    if (!isNewer(state, this.loaded)) return;
    this.loaded = {
      index: state.index,
      version: state.version,
      revision: state.revision,
      articleCount: state.articleCount,
      highWatermark: state.highWatermark,
      since: this.now(),
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
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
    const index = await loadSnapshotOf(store, manifest);
    if (manifest.version <= this.loaded.version) return false; // an offer overtook the load
    this.loaded = fromManifest(index, manifest, this.now());
    this.etag = found.etag;
    return true;
  }
}

function fromManifest(index: ArchiveIndex, manifest: Manifest | null, since: number): LoadedIndex {
  return {
    index,
    version: manifest?.version ?? 0,
    revision: 0,
    articleCount: index.size,
    highWatermark: manifest?.highWatermark ?? null,
    since,
  };
}

function isNewer(
  a: { version: number; revision: number },
  b: { version: number; revision: number },
): boolean {
  return a.version > b.version || (a.version === b.version && a.revision > b.revision);
}
