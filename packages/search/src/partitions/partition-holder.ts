import type { BlobStore, Clock } from '@archive/core';
import type { IndexStateFile } from '../segments/segment-manifest';
import { decodePointer, fetchSegments, readState } from '../segments/segment-store';
import { SegmentedIndex } from '../segments/segmented-index';
import { MANIFEST_KEY } from '../snapshot/snapshot-manifest';
import { assignPartitions } from './assignment';
import { PartitionService } from './partition-service';
import type { PublishedLayout } from './protocol';

/**
 * What a partition function holds: the partitions (of the segmented index: time ranges sized by
 * their article count, each a set of segments) the assignment gives it (assignment.ts), kept
 * current. It serves their segments through a {@link PartitionService}; each segment is a partition
 * of the coordinator's protocol.
 *
 * - **Loads only its share.** The published state lists every partition's segments; only the
 *   segments of its own partitions are fetched and decoded.
 * - **Refreshes by delta.** At most every `refreshIntervalMs` a conditional read of the manifest (a
 *   304 when nothing was published); after a publication only the new segments of its partitions
 *   are fetched, and new delete markers applied to the segments it holds.
 * - **Hands partitions over without a gap.** A partition the assignment moved elsewhere is kept
 *   (and served, marked `draining`) for `handoffMs` after the move was seen, long enough for the new
 *   owner to load it; the coordinator prefers an owner that is not draining.
 *
 * The version the coordinator caches statistics under is the number of delete markers a segment
 * has: a segment's key names immutable content, and its markers only grow while it lives.
 */
export interface PartitionHolderOptions {
  store: BlobStore;
  /** This function's place among the partition functions (0-based) and their number. */
  functionIndex: number;
  functionCount: number;
  refreshIntervalMs?: number;
  handoffMs?: number;
  now?: Clock;
  onError?: (error: unknown) => void;
}

export class PartitionHolder {
  readonly service = new PartitionService(new Map());
  private index = SegmentedIndex.empty();
  /** Partitions moved elsewhere, served until then. */
  private readonly drainUntil = new Map<string, number>();
  private state: IndexStateFile | null = null;
  private etag: string | null = null;
  private manifestVersion = 0;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<boolean> | null = null;
  private readonly now: Clock;

  private constructor(private readonly options: PartitionHolderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Loads this function's share of the current publication (nothing when none was published). */
  static async open(options: PartitionHolderOptions): Promise<PartitionHolder> {
    const holder = new PartitionHolder(options);
    await holder.check();
    holder.lastCheck = holder.now();
    return holder;
  }

  /** Publication served (0: nothing published yet). */
  get version(): number {
    return this.manifestVersion;
  }

  /**
   * Starts a freshness check when the last is older than the refresh interval; never waits for it
   * (the reply says which versions it answered from, and the coordinator plans with those).
   */
  maybeRefresh(): void {
    if (this.now() - this.lastCheck >= (this.options.refreshIntervalMs ?? 2000)) void this.refresh();
  }

  /** Checks now; resolves true when the partitions served changed. Errors keep them served. */
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

  private async check(): Promise<boolean> {
    const { store } = this.options;
    const found = this.etag
      ? await store.readIfChanged(MANIFEST_KEY, this.etag)
      : await store.read(MANIFEST_KEY);
    if (found === 'unchanged' || found === null) return this.expireDrained();
    const pointer = decodePointer(found.bytes, found.etag);
    // An earlier build's whole snapshot: served once the indexer has converted it to segments.
    if (pointer.format === 1) return this.expireDrained();
    if (pointer.manifest.version <= this.manifestVersion) {
      this.etag = found.etag;
      return this.expireDrained();
    }
    const state = await readState(store, pointer.manifest.stateKey);
    await this.follow(state, pointer.manifest.version);
    this.state = state;
    this.etag = found.etag;
    this.manifestVersion = pointer.manifest.version;
    return true;
  }

  /** Follows `state` (of publication `version`), restricted to the partitions this function holds. */
  private async follow(state: IndexStateFile, version: number): Promise<void> {
    const owners = assignPartitions(
      state.partitions.map((p) => ({ key: p.id, bytes: p.segments.reduce((n, s) => n + s.bytes, 0) })),
      this.options.functionCount,
    );
    const held = new Set(this.index.segmentList().map((view) => view.partition));
    const until = this.now() + (this.options.handoffMs ?? DEFAULT_HANDOFF_MS);
    const kept = state.partitions.filter((p) => {
      if (owners.get(p.id) === this.options.functionIndex) {
        this.drainUntil.delete(p.id);
        return true;
      }
      // Moved to another function: kept for the hand-over period.
      if (!held.has(p.id)) return false;
      if (!this.drainUntil.has(p.id)) this.drainUntil.set(p.id, until);
      return (this.drainUntil.get(p.id) as number) > this.now();
    });
    const mine: IndexStateFile = { ...state, partitions: kept };
    const index = this.index.canFollow(mine) ? this.index : SegmentedIndex.empty();
    const { segments } = await fetchSegments(this.options.store, index.missingSegments(mine));
    index.followState(mine, segments);
    this.index = index;
    for (const id of [...this.drainUntil.keys()])
      if (!kept.some((p) => p.id === id)) this.drainUntil.delete(id);
    this.publish(state, version);
  }

  private async expireDrained(): Promise<boolean> {
    const now = this.now();
    const expired = [...this.drainUntil].some(([, until]) => until <= now);
    if (!expired || !this.state) return false;
    await this.follow(this.state, this.manifestVersion);
    return true;
  }

  private publish(state: IndexStateFile, version: number): void {
    const views = this.index.segmentList();
    this.service.replace(
      new Map(views.map((view) => [view.key, view.index])),
      new Map(
        views.map((view) => [
          view.key,
          {
            version: `d${view.deleted.size}`,
            draining: this.drainUntil.has(view.partition),
            partition: view.partition,
          },
        ]),
      ),
      publishedLayout(version, state),
    );
  }
}

/** The partitions of a published state that hold articles, with their time ranges. */
function publishedLayout(version: number, state: IndexStateFile): PublishedLayout {
  const partitions: PublishedLayout['partitions'] = [];
  for (const p of state.partitions) {
    const live = p.segments.filter((s) => s.docs > s.deleted.length);
    if (live.length === 0) continue;
    const firsts = live.flatMap((s) => (s.firstMs === null ? [] : [s.firstMs]));
    const lasts = live.flatMap((s) => (s.lastMs === null ? [] : [s.lastMs]));
    partitions.push({
      id: p.id,
      firstMs: firsts.length > 0 ? Math.min(...firsts) : null,
      lastMs: lasts.length > 0 ? Math.max(...lasts) : null,
    });
  }
  return { version, partitions };
}

/**
 * How long a moved partition stays served by its former function: several refresh intervals plus
 * the time the new owner takes to load it.
 */
export const DEFAULT_HANDOFF_MS = 60_000;
