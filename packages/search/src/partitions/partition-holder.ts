import { createHash } from 'node:crypto';
import type { BlobStore } from '@archive/core';
import { ArchiveIndex } from '../documents/archive-index';
import { SnapshotMissingError } from '../lifecycle/snapshot-publisher';
import { chunkLayout, inflatePart, packPart, verifySnapshot } from '../snapshot/snapshot-codec';
import { decodeManifest, MANIFEST_KEY, type Manifest } from '../snapshot/snapshot-manifest';
import { assignPartitions } from './assignment';
import { PartitionService } from './partition-service';
import { partitionRanges, readContainerHeader } from './partitioned-index';

/**
 * What a partition function holds: the partitions the assignment gives it (assignment.ts) out of
 * the published index, kept current. It serves them through a {@link PartitionService}.
 *
 * - **Loads only its share.** The snapshot's chunks are cut at partition starts, so only the
 *   chunks of its own partitions are inflated and decoded (the rest of the blob is never decoded).
 * - **Refreshes only what changed.** At most every `refreshIntervalMs` a conditional read of the
 *   manifest (a 304 when nothing was published); after a publication, a partition whose stored bytes
 *   are unchanged keeps its decoded index, and only changed or newly assigned ones are decoded.
 * - **Hands partitions over without a gap.** A partition the assignment moved elsewhere is kept
 *   (and served, marked `draining`) for `handoffMs` after the move was seen, long enough for the new
 *   owner to load it; the coordinator prefers an owner that is not draining.
 *
 * The partition version the coordinator caches statistics under is derived from the partition's
 * stored bytes, so two different contents never share a version whatever their change counters.
 *
 * Until the index is stored as segments per partition (the index life-cycle work), the blob holding
 * the partitions is one snapshot of the whole archive: it is downloaded whole, which bounds what a
 * function's cold start can gain at large archives (docs/SCALING.md).
 */
export interface PartitionHolderOptions {
  store: BlobStore;
  /** This function's place among the partition functions (0-based) and their number. */
  functionIndex: number;
  functionCount: number;
  refreshIntervalMs?: number;
  handoffMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

interface Held {
  index: ArchiveIndex;
  version: string;
  /** Set when the assignment moved it elsewhere: served until then. */
  drainUntil?: number;
}

export class PartitionHolder {
  readonly service = new PartitionService(new Map());
  private held = new Map<string, Held>();
  private etag: string | null = null;
  private manifestVersion = 0;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<boolean> | null = null;
  private readonly now: () => number;

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
    const manifest = decodeManifest(found.bytes);
    if (manifest.version <= this.manifestVersion) {
      this.etag = found.etag;
      return this.expireDrained();
    }
    await this.load(manifest);
    this.etag = found.etag;
    this.manifestVersion = manifest.version;
    return true;
  }

  private async load(manifest: Manifest): Promise<void> {
    const bytes = await this.options.store.get(manifest.snapshotKey);
    if (!bytes)
      throw new SnapshotMissingError(`snapshot ${manifest.snapshotKey} named by the manifest is missing`);
    const header = verifySnapshot(bytes);
    const firstChunk = chunkLayout(header)[0];
    const head = await inflatePart(packPart(bytes, 0, firstChunk?.rawEnd ?? 0));
    const { header: container, offset } = readContainerHeader(head);
    const ranges = partitionRanges(container, offset);
    const owners = assignPartitions(
      ranges.map(({ key, start, end }) => ({ key, bytes: end - start })),
      this.options.functionCount,
    );
    const next = new Map<string, Held>();
    for (const { key, start, end } of ranges) {
      if (owners.get(key) !== this.options.functionIndex) continue;
      const part = packPart(bytes, start, end);
      const version = createHash('sha1').update(part.stored).digest('base64url').slice(0, 16);
      const previous = this.held.get(key);
      if (previous?.version === version) {
        next.set(key, { index: previous.index, version });
        continue;
      }
      next.set(key, { index: ArchiveIndex.deserialize(await inflatePart(part)), version });
    }
    const until = this.now() + (this.options.handoffMs ?? DEFAULT_HANDOFF_MS);
    for (const [key, held] of this.held) {
      // Moved to another function (or gone from the archive): kept for the hand-over period.
      if (!next.has(key) && ranges.some((r) => r.key === key))
        next.set(key, { ...held, drainUntil: held.drainUntil ?? until });
    }
    this.held = next;
    this.publish();
  }

  private expireDrained(): boolean {
    const now = this.now();
    let changed = false;
    for (const [key, held] of this.held) {
      if (held.drainUntil !== undefined && held.drainUntil <= now) {
        this.held.delete(key);
        changed = true;
      }
    }
    if (changed) this.publish();
    return changed;
  }

  private publish(): void {
    this.service.replace(
      new Map([...this.held].map(([key, held]) => [key, held.index])),
      new Map(
        [...this.held].map(([key, held]) => [
          key,
          { version: held.version, draining: held.drainUntil !== undefined },
        ]),
      ),
    );
  }
}

/**
 * How long a moved partition stays served by its former function: several refresh intervals plus
 * the time the new owner takes to load it.
 */
export const DEFAULT_HANDOFF_MS = 60_000;
