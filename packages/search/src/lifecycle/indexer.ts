// Over 400 lines: the one writer of the segmented index (apply, publish beside changes, rebase after
// a lost swap, merges, garbage collection); every step shares the lock and the base it keeps.
import { type ArticleChange, type BlobStore, runInSlices, sharedSlices } from '@archive/core';
import { ArchiveIndex } from '../documents/archive-index';
import { collectGarbage, type RetiredRecordCache } from '../segments/collect-garbage';
import { DEFAULT_GRACE_MS, keptRetired } from '../segments/garbage';
import { type MergePolicyOptions, selectMerge } from '../segments/merge-policy';
import { encodeSegment } from '../segments/segment-codec';
import {
  type ChangeMark,
  type IndexStateFile,
  newSegmentKey,
  type SegmentManifest,
} from '../segments/segment-manifest';
import {
  decodePointer,
  fetchSegments,
  type LoadedSegments,
  loadSegmented,
  maxIso,
  preparePublication,
  readState,
  type SegmentPublishOptions,
  writePublication,
} from '../segments/segment-store';
import type { SegmentedIndex } from '../segments/segmented-index';
import { MANIFEST_KEY } from '../snapshot/snapshot-manifest';
import { applyChange, type ChangeItem, validateChange } from './change-records';
import type { BatchResult, IndexState, MergeReport, Publication } from './indexer-results';

export { applyChange, type ChangeItem, type ChangeTarget } from './change-records';
export type { BatchResult, IndexState, MergeReport, Publication } from './indexer-results';

export interface IndexerOptions extends SegmentPublishOptions {
  store: BlobStore;
  /** Rebase-and-retry rounds after a lost compare-and-swap before giving up (default 8). */
  maxPublishAttempts?: number;
  /** Called after every in-memory change and publication. */
  onIndexChanged?: (state: IndexState) => void;
  partitionTarget?: number;
  mergePolicy?: MergePolicyOptions;
  /** Garbage-collection grace period (default 15 min, see segments/garbage.ts). */
  graceMs?: number;
  /** Collect garbage at most this often (default 60 s). */
  gcIntervalMs?: number;
  /** What this process already loaded (the local runtime loads once for search and indexer). */
  initial?: LoadedSegments;
  /**
   * The change-log mark each publication carries, asked when the publication is taken (under the
   * lock, so it describes no more than what is published). The local indexer's; unset elsewhere.
   */
  changeMarkOf?: (published: SegmentManifest | null) => ChangeMark | null;
}

export class PublishConflictError extends Error {
  override readonly name = 'PublishConflictError';
}

interface Base {
  index: SegmentedIndex;
  manifest: SegmentManifest | null;
  etag: string | null;
  state: IndexStateFile | null;
  /** The in-memory index took changes a failed publication did not store: reload before use. */
  stale: boolean;
}

/**
 * Applies change batches to the published index and publishes each as one small new segment per
 * partition touched, delete markers and a new state (segments/). Merges and garbage collection run
 * through {@link maintain}, between batches.
 *
 * The loaded index is cached across calls and revalidated with a conditional read of the manifest;
 * a publication by another writer is followed by delta (only the new segments are fetched).
 * Changes are applied through the index's version map, so redelivered and reordered records are
 * harmless. Changes applied but not yet published are kept (latest per article) so that after a
 * lost compare-and-swap they are re-applied on the newer publication: no writer loses another's.
 */
export class Indexer {
  private base: Base | null = null;
  private readonly unpublished = new Map<string, { change: ArticleChange; changedAt: string | null }>();
  private revision = 0;
  private highWatermark: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * An earlier build's inline retirements (segment-manifest.ts), carried into our states until
   * their grace period is over; what this build retires goes to records (writePublication).
   */
  private retired: IndexStateFile['retired'] = [];
  /** Retirement records garbage collection has read (immutable: read once per process). */
  private readonly retiredRecords: RetiredRecordCache = new Map();
  private forcePublish = false;
  private lastGcMs = 0;

  constructor(private readonly options: IndexerOptions) {
    if (options.initial) this.adopt(options.initial);
  }

  /** Takes a loaded publication as the base; an earlier build's whole snapshot is republished. */
  private adopt(loaded: LoadedSegments): Base {
    this.base = { ...loaded, stale: false };
    this.retired = loaded.state ? [...loaded.state.retired] : [];
    // An earlier build's whole snapshot: publish it as segments. The old blob is collected once
    // the oldest kept state is older than the grace period (collect-garbage.ts).
    if (loaded.legacy) this.forcePublish = true;
    return this.base;
  }

  /**
   * Applies a batch and (unless `publish: false`) publishes it before returning, so that an
   * acknowledged batch is durable. Undecodable or unappliable records are reported by id in
   * `batchItemFailures` and the rest still applied. Throws only when publishing fails; the
   * whole batch should then be retried, which is safe.
   */
  applyChangeBatch(items: ChangeItem[], options: { publish?: boolean } = {}): Promise<BatchResult> {
    return this.serialized(async () => {
      const base = await this.sync();
      const result: BatchResult = { batchItemFailures: [], applied: 0, skipped: 0, published: null };
      // A batch of long articles is seconds of indexing: searches run between slices of it.
      for (const item of items) {
        const pause = sharedSlices.due();
        if (pause) await pause;
        const problem = item.change instanceof Error ? item.change : validateChange(item.change);
        if (problem) {
          result.batchItemFailures.push({ itemIdentifier: item.recordId });
          continue;
        }
        const change = item.change as ArticleChange;
        let changed: boolean;
        try {
          changed = applyChange(base.index, change);
        } catch {
          result.batchItemFailures.push({ itemIdentifier: item.recordId });
          continue;
        }
        if (!changed) {
          result.skipped++;
          continue;
        }
        result.applied++;
        const changedAt = item.changedAt ?? (change.kind === 'upsert' ? change.article.updatedAt : null);
        this.remember(change, changedAt);
      }
      if (result.applied > 0) this.notify();
      if (options.publish !== false) result.published = await this.publishNow();
      return result;
    });
  }

  /**
   * Publishes changes applied with `publish: false`; a no-op when there are none. Only encoding
   * and sealing the open segments and describing the state hold the indexer's lock (the encoding
   * in time slices, so searches go on); compressing and writing run outside it, so changes keep
   * being applied meanwhile.
   */
  publish(): Promise<Publication | null> {
    const next = this.publishing.catch(() => null).then(() => this.publishBesideChanges());
    this.publishing = next;
    return next;
  }

  private publishing: Promise<unknown> = Promise.resolve();
  /** True while a publication is written outside the lock: sync() then keeps the base it has. */
  private writingOutsideLock = false;

  private async publishBesideChanges(): Promise<Publication | null> {
    const prepared = await this.serialized(async () => {
      const base = await this.sync();
      if (this.unpublished.size === 0 && !this.forcePublish) return null;
      return {
        publication: await preparePublication(base.index, this.retiredNow(), this.nowMs()),
        base: { manifest: base.manifest, etag: base.etag, state: base.state },
        entries: new Map(this.unpublished),
        highWatermark: this.highWatermark,
        changeMark: this.options.changeMarkOf?.(base.manifest),
      };
    });
    if (!prepared) return null;
    this.writingOutsideLock = true;
    let outcome: Awaited<ReturnType<typeof writePublication>> | Error;
    try {
      outcome = await writePublication(this.options.store, prepared.publication, prepared.base, {
        ...this.options,
        highWatermark: prepared.highWatermark,
        changeMark: prepared.changeMark,
      });
    } catch (error) {
      outcome = error instanceof Error ? error : new Error(String(error));
    }
    return this.serialized(async () => {
      // Cleared only here, under the lock: a change queued behind the lock while the write was in
      // flight runs before this, and its sync() must not take the manifest this very publication
      // wrote for another writer's (that reloaded every segment and replayed every change: seconds).
      this.writingOutsideLock = false;
      if (outcome instanceof Error || outcome === 'conflict' || !this.base) {
        // What was sealed in memory is not stored: reload, re-apply and publish under the lock.
        if (this.base) this.base.stale = true;
        if (outcome instanceof Error) throw outcome;
        return this.publishNow();
      }
      this.base = { ...this.base, manifest: outcome.manifest, etag: outcome.etag, state: outcome.state };
      for (const [id, entry] of prepared.entries) {
        if (this.unpublished.get(id) === entry) this.unpublished.delete(id);
      }
      this.forcePublish = false;
      this.notify();
      return this.published(outcome, 1);
    });
  }

  /** Makes the next {@link publish} write a publication even without changes (a mark moved). */
  requestPublication(): void {
    this.forcePublish = true;
  }

  /** The publication the in-memory index follows (null before the first load or publication). */
  publishedManifest(): SegmentManifest | null {
    return this.base?.manifest ?? null;
  }

  /** The current in-memory state, or null before the first batch loaded it. */
  state(): IndexState | null {
    if (!this.base) return null;
    return {
      index: this.base.index,
      version: this.base.manifest?.version ?? 0,
      revision: this.revision,
      articleCount: this.base.index.size,
      highWatermark: maxIso(this.highWatermark, this.base.manifest?.highWatermark ?? null),
      unpublished: this.unpublished.size,
    };
  }

  /**
   * Replaces the in-memory index (a rebuild) and marks it for publication; the segments it
   * replaces are recorded as retired when it is published (writePublication compares the states).
   * Changes pending against the old base are re-applied on top.
   */
  replaceIndex(index: SegmentedIndex): Promise<void> {
    return this.serialized(async () => {
      const base = await this.sync();
      this.base = { ...base, index };
      this.replayUnpublished();
      this.forcePublish = true;
      this.notify();
    });
  }

  /** Runs `fn` with the freshly synced index under the indexer's lock; changes it reports are remembered. */
  withIndex<T>(
    fn: (index: SegmentedIndex, remember: (change: ArticleChange) => void) => Promise<T>,
  ): Promise<T> {
    return this.serialized(async () => {
      const base = await this.sync();
      const out = await fn(base.index, (change) => this.remember(change, null));
      this.notify();
      return out;
    });
  }

  /**
   * Merges what the merge policy asks for (segments/merge-policy.ts), publishing each merge by
   * compare-and-swap like any publication, then collects garbage (at most every `gcIntervalMs`).
   * Runs between batches: on AWS after a batch in the indexer function, locally in the background.
   * Stops after `budgetMs` (the merge under way finishes).
   */
  maintain(options: { budgetMs?: number; maxMerges?: number } = {}): Promise<MergeReport> {
    return this.serialized(async () => {
      const report: MergeReport = { inputs: 0, outputs: 0, bytesWritten: 0, garbage: 0 };
      const started = performance.now();
      for (let n = 0; n < (options.maxMerges ?? 50); n++) {
        if (performance.now() - started > (options.budgetMs ?? Number.POSITIVE_INFINITY)) break;
        const base = await this.sync();
        const merged = await this.mergeOnce(base.index);
        if (!merged) break;
        report.inputs += merged.inputs;
        report.outputs++;
        report.bytesWritten += merged.bytes;
        const publication = await this.publishNow();
        report.bytesWritten += publication?.bytesWritten ?? 0;
      }
      report.garbage = await this.collectGarbageIfDue();
      return report;
    });
  }

  private async mergeOnce(index: SegmentedIndex): Promise<{ inputs: number; bytes: number } | null> {
    for (const { id } of index.partitions()) {
      const sealed = index.segmentsOf(id).filter((view) => view.sealed);
      const keys = selectMerge(
        sealed.map((view) => ({
          key: view.key,
          liveDocs: view.index.size,
          deletedDocs: view.deleted.size,
          bytes: view.bytes,
        })),
        this.options.mergePolicy,
      );
      if (!keys) continue;
      const capture = index.captureMerge(keys);
      const merged = await runInSlices(ArchiveIndex.mergedSteps(capture.inputs.map((input) => input.index)));
      const key = newSegmentKey(id, this.nowMs());
      const bytes = await encodeSegment(merged, this.options);
      await this.options.store.put(key, bytes);
      if (!index.replaceByMerge(capture, { key, index: merged, bytes: bytes.byteLength, partition: id })) {
        return null;
      }
      // Its inputs are recorded as retired by the publication that stops referencing them.
      this.forcePublish = true;
      this.notify();
      return { inputs: keys.length, bytes: bytes.byteLength };
    }
    return null;
  }

  private async collectGarbageIfDue(): Promise<number> {
    const base = this.base;
    const now = this.nowMs();
    if (!base?.manifest || !base.state || now - this.lastGcMs < (this.options.gcIntervalMs ?? 60_000))
      return 0;
    this.lastGcMs = now;
    const doomed = await collectGarbage(this.options.store, base.manifest, base.state, {
      nowMs: now,
      graceMs: this.options.graceMs,
      records: this.retiredRecords,
    }).catch(() => []);
    return doomed.length;
  }

  private async publishNow(): Promise<Publication | null> {
    if (this.unpublished.size === 0 && !this.forcePublish) return null;
    const maxAttempts = this.options.maxPublishAttempts ?? 8;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const base = await this.sync();
      const prepared = await preparePublication(base.index, this.retiredNow(), this.nowMs());
      let outcome: Awaited<ReturnType<typeof writePublication>>;
      try {
        outcome = await writePublication(this.options.store, prepared, base, {
          ...this.options,
          highWatermark: this.highWatermark,
          changeMark: this.options.changeMarkOf?.(base.manifest),
        });
      } catch (error) {
        base.stale = true;
        throw error;
      }
      if (outcome !== 'conflict') {
        this.base = { ...base, manifest: outcome.manifest, etag: outcome.etag, state: outcome.state };
        this.unpublished.clear();
        this.forcePublish = false;
        this.notify();
        return this.published(outcome, attempt);
      }
      // Another writer won: the next sync() reloads and re-applies our changes. The jittered
      // backoff keeps a writer that must reload from being starved by one that need not.
      base.stale = true;
      await sleep(Math.random() * Math.min(1000, 10 * 2 ** attempt));
    }
    throw new PublishConflictError(`lost the manifest compare-and-swap ${maxAttempts} times in a row`);
  }

  private published(
    outcome: { manifest: SegmentManifest; bytesWritten: number; segmentsWritten: number },
    attempts: number,
  ): Publication {
    const at = this.nowMs();
    this.retired = keptRetired(this.retired, at, this.options.graceMs ?? DEFAULT_GRACE_MS);
    return {
      version: outcome.manifest.version,
      attempts,
      bytesWritten: outcome.bytesWritten,
      segmentsWritten: outcome.segmentsWritten,
    };
  }

  private retiredNow(): IndexStateFile['retired'] {
    return keptRetired(this.retired, this.nowMs(), this.options.graceMs ?? DEFAULT_GRACE_MS);
  }

  /** Makes `this.base` the latest publication: by delta when it can, else a full load + replay. */
  private async sync(): Promise<Base> {
    const { store } = this.options;
    // Our own swap is in flight: the manifest is about to change under us. A publication by
    // another writer is still caught: our swap then fails and the rebase happens under the lock.
    if (this.writingOutsideLock && this.base) return this.base;
    const base = this.base;
    if (base && !base.stale && base.etag) {
      const check = await store.readIfChanged(MANIFEST_KEY, base.etag);
      if (check === 'unchanged') return base;
      if (check === null) {
        this.base = { ...base, manifest: null, etag: null, state: null };
        this.forcePublish = true; // the manifest vanished: republish what we hold
        return this.base;
      }
      const pointer = decodePointer(check.bytes, check.etag);
      const quiet =
        this.unpublished.size === 0 && !this.forcePublish && base.index.pendingSegments().length === 0;
      if (pointer.format === 2 && quiet) {
        const state = await readState(store, pointer.manifest.stateKey);
        if (base.index.canFollow(state)) {
          const { segments } = await fetchSegments(store, base.index.missingSegments(state));
          base.index.followState(state, segments);
          this.base = { ...base, manifest: pointer.manifest, etag: pointer.etag, state };
          this.retired = [...state.retired];
          this.notify();
          return this.base;
        }
      }
    } else if (base && !base.stale && base.etag === null) {
      if ((await store.read(MANIFEST_KEY)) === null) return base;
    }
    const adopted = this.adopt(await loadSegmented(store, { partitionTarget: this.options.partitionTarget }));
    this.replayUnpublished();
    this.notify();
    return adopted;
  }

  private replayUnpublished(): void {
    if (!this.base) return;
    for (const { change } of this.unpublished.values()) applyChange(this.base.index, change);
  }

  private remember(change: ArticleChange, changedAt: string | null): void {
    const known = this.unpublished.get(change.id);
    if (!known || known.change.version < change.version)
      this.unpublished.set(change.id, { change, changedAt });
    this.highWatermark = maxIso(this.highWatermark, changedAt);
    this.revision++;
  }

  private notify(): void {
    const state = this.state();
    if (state) this.options.onIndexChanged?.(state);
  }

  private nowMs(): number {
    return this.options.now?.().getTime() ?? Date.now();
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
