import type { BlobStore, Clock } from '@archive/core';
import type { Searcher } from '../documents/searcher';
import type { SegmentManifest } from '../segments/segment-manifest';
import {
  decodePointer,
  fetchSegments,
  type LoadedSegments,
  loadSegmented,
  readState,
} from '../segments/segment-store';
import type { SegmentedIndex } from '../segments/segmented-index';
import { MANIFEST_KEY } from '../snapshot/snapshot-manifest';
import type { IndexState } from './indexer';

/** What the search function serves from: an index and where it came from. */
export interface LoadedIndex<S extends Searcher = SegmentedIndex> {
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

export interface IndexLoaderOptions {
  store: BlobStore;
  /** Minimum time between two manifest checks (default 2000 ms). */
  refreshIntervalMs?: number;
  /** Also check on a timer (long-running local server); Lambda relies on checks per request. */
  watch?: boolean;
  now?: Clock;
  onError?: (error: unknown) => void;
  /**
   * False when an indexer in this process changes the served index in place and hands its states
   * over with {@link IndexLoader.offer} (the local runtime): the store is then never re-read.
   */
  followStore?: boolean;
  /** Called after each refresh that changed the index: what it fetched (bench, logs). */
  onRefreshed?: (report: RefreshReport) => void;
}

export interface RefreshReport {
  version: number;
  /** Segments fetched and their stored bytes; `full` when the index was loaded afresh. */
  segments: number;
  bytes: number;
  full: boolean;
}

/**
 * Keeps the search function's index current, by delta.
 *
 * `current()` never waits: it returns the index in hand and, when the last check is older than
 * the refresh interval, starts a background check — a conditional read of the manifest that
 * costs a 304 when nothing changed. When a new publication is there, its state (a small JSON
 * blob) is read and only the segments this process does not hold are fetched and decoded; then
 * the index follows the new state in one synchronous step (segments added and dropped, delete
 * markers applied), so a request sees the old state or the new one, never a mix. Segments are
 * immutable; only the manifest moves. A state that takes delete markers back (a rollback) is
 * loaded afresh and swapped in by one assignment.
 */
export class IndexLoader {
  private loaded: LoadedIndex;
  private etag: string | null;
  private lastCheck: number;
  private inFlight: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly now: Clock;
  /** Serving an indexer's own in-memory index (local runtime): it is that indexer's to change. */
  private handedOver = false;

  private constructor(
    private readonly options: IndexLoaderOptions,
    initial: { index: SegmentedIndex; manifest: SegmentManifest | null; etag: string | null },
  ) {
    this.now = options.now ?? Date.now;
    this.intervalMs = options.refreshIntervalMs ?? 2000;
    this.loaded = fromManifest(initial.index, initial.manifest, this.now());
    this.etag = initial.etag;
    this.lastCheck = this.now();
    this.handedOver = options.followStore === false;
    if (options.watch) {
      this.timer = setInterval(() => void this.refresh(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Loads the current publication (or an empty index when none was published yet). */
  static async open(options: IndexLoaderOptions): Promise<IndexLoader> {
    return IndexLoader.serving(options, await loadSegmented(options.store));
  }

  /** Serves a publication already loaded (the local runtime loads once, for search and indexer). */
  static serving(options: IndexLoaderOptions, initial: LoadedSegments): IndexLoader {
    // An earlier build's whole snapshot is served converted; its tag is not remembered, so the
    // first check picks up the indexer's conversion to segments.
    return new IndexLoader(options, { ...initial, etag: initial.legacy ? null : initial.etag });
  }

  /** The index to answer this request with; may start a background freshness check. */
  current(): LoadedIndex {
    if (this.now() - this.lastCheck >= this.intervalMs) void this.refresh();
    return this.loaded;
  }

  /**
   * Checks the manifest now and follows a newer publication if there is one; resolves true when
   * the index changed. Concurrent calls share one check. Errors keep the current index served.
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
    const samePublication = state.version === this.loaded.version && state.unpublished === 0;
    this.handedOver = true;
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
  }

  private async check(): Promise<boolean> {
    if (this.handedOver) return false;
    const { store } = this.options;
    const found = this.etag
      ? await store.readIfChanged(MANIFEST_KEY, this.etag)
      : await store.read(MANIFEST_KEY);
    if (found === 'unchanged' || found === null) return false; // a vanished manifest keeps the index served
    const pointer = decodePointer(found.bytes, found.etag);
    if (pointer.format === 1) return false; // an earlier build's snapshot: wait for its conversion
    const { manifest } = pointer;
    if (manifest.version <= this.loaded.version) {
      this.etag = found.etag;
      return false;
    }
    const state = await readState(store, manifest.stateKey);
    const index = this.loaded.index;
    if (!index.canFollow(state)) {
      const fresh = await loadSegmented(store);
      if (this.handedOver || !fresh.manifest || fresh.manifest.version <= this.loaded.version) return false;
      this.loaded = fromManifest(fresh.index, fresh.manifest, this.now());
      this.etag = fresh.etag;
      this.options.onRefreshed?.({ version: fresh.manifest.version, segments: -1, bytes: -1, full: true });
      return true;
    }
    const missing = index.missingSegments(state);
    const { segments, bytes } = await fetchSegments(store, missing);
    if (this.handedOver || manifest.version <= this.loaded.version || this.loaded.index !== index)
      return false;
    index.followState(state, segments);
    this.loaded = fromManifest(index, manifest, this.now());
    this.etag = found.etag;
    this.options.onRefreshed?.({ version: manifest.version, segments: missing.length, bytes, full: false });
    return true;
  }
}

function fromManifest(index: SegmentedIndex, manifest: SegmentManifest | null, since: number): LoadedIndex {
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
