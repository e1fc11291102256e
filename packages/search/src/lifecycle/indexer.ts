import type { ArticleChange, BlobStore } from '@archive/core';
import { PartitionedIndex } from '../partitions/partitioned-index';
import type { EncodeOptions } from '../snapshot/snapshot-codec';
import { decodeManifest, MANIFEST_KEY, type Manifest } from '../snapshot/snapshot-manifest';
import { loadPublished, loadSnapshotOf, maxIso, publishIndex } from './snapshot-publisher';

/** One record of a change batch: decoded, or the error that made it undecodable. */
export interface ChangeItem {
  /** What the caller reports back on failure (the stream record's sequence number on AWS). */
  recordId: string;
  change: ArticleChange | Error;
  /** When the change was committed, if known (stream `ApproximateCreationDateTime`). */
  changedAt?: string;
}

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  /** Changes that altered the index. */
  applied: number;
  /** Redelivered or superseded changes, ignored by version. */
  skipped: number;
  /** The publication made for this batch, or null when nothing needed publishing. */
  published: { version: number; attempts: number } | null;
}

/** The indexer's in-memory view, handed to a same-process loader (local runtime). */
export interface IndexState {
  index: PartitionedIndex;
  /** Version of the publication this index is based on (0 before the first). */
  version: number;
  /** Increases on every in-memory change; orders states that share a version. */
  revision: number;
  articleCount: number;
  highWatermark: string | null;
  /** Changes applied in memory but not yet published. */
  unpublished: number;
}

export interface IndexerOptions extends EncodeOptions {
  store: BlobStore;
  keepVersions?: number;
  /** Rebase-and-retry rounds after a lost compare-and-swap before giving up (default 8). */
  maxPublishAttempts?: number;
  now?: () => Date;
  /** Called after every in-memory change and publication. */
  onIndexChanged?: (state: IndexState) => void;
}

export class PublishConflictError extends Error {
  override readonly name = 'PublishConflictError';
}

interface Base {
  index: PartitionedIndex;
  manifest: Manifest | null;
  etag: string | null;
}

/**
 * Applies change batches to the published index and publishes the result.
 *
 * The current snapshot is cached across calls and revalidated with a conditional read of the
 * manifest. Changes are applied through the index's version map, so redelivered and reordered
 * records are harmless. Changes applied but not yet published are kept (latest per article) so
 * that after a lost compare-and-swap — another indexer published first — they are re-applied
 * on top of the newer snapshot and published again: neither writer loses the other's changes.
 */
export class Indexer {
  private base: Base | null = null;
  private readonly unpublished = new Map<string, { change: ArticleChange; changedAt: string | null }>();
  private revision = 0;
  private highWatermark: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: IndexerOptions) {}

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
      for (const item of items) {
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
   * Publishes changes applied with `publish: false`; a no-op when there are none.
   *
   * Only serialising the index holds the indexer's lock; compressing, writing the blob and the
   * manifest swap run outside it, so changes keep being applied (and handed to search) while a
   * snapshot is written — a local server stays responsive while it persists a large index.
   * Publications run one after another, each holding every change applied before it started.
   */
  publish(): Promise<{ version: number; attempts: number } | null> {
    const next = this.publishing.catch(() => null).then(() => this.publishBesideChanges());
    this.publishing = next;
    return next;
  }

  private publishing: Promise<unknown> = Promise.resolve();
  /** True while a snapshot is written outside the lock: sync() then keeps the base it has. */
  private writingOutsideLock = false;

  private async publishBesideChanges(): Promise<{ version: number; attempts: number } | null> {
    const prepared = await this.serialized(async () => {
      const base = await this.sync();
      if (this.unpublished.size === 0 && !this.forcePublish) return null;
      return {
        snapshot: base.index.serializeForSnapshot(),
        base: { manifest: base.manifest, etag: base.etag },
        entries: new Map(this.unpublished),
        highWatermark: this.highWatermark,
      };
    });
    if (!prepared) return null;
    this.writingOutsideLock = true;
    let outcome: Awaited<ReturnType<typeof publishIndex>>;
    try {
      outcome = await publishIndex(this.options.store, prepared.snapshot, prepared.base, {
        ...this.options,
        highWatermark: prepared.highWatermark,
      });
    } finally {
      this.writingOutsideLock = false;
    }
    return this.serialized(async () => {
      // Another writer won the swap: rebase and publish under the lock, as a batch would.
      if (outcome === 'conflict' || !this.base) return this.publishNow();
      this.base = { index: this.base.index, ...outcome };
      // Forget only what the snapshot holds; changes applied meanwhile stay unpublished.
      for (const [id, entry] of prepared.entries) {
        if (this.unpublished.get(id) === entry) this.unpublished.delete(id);
      }
      this.forcePublish = false;
      this.notify();
      return { version: outcome.manifest.version, attempts: 1 };
    });
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
   * Replaces the in-memory index (used by reconciliation after a rebuild) and marks it for
   * publication. Changes pending against the old base are re-applied on top.
   */
  replaceIndex(index: PartitionedIndex): Promise<void> {
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
    fn: (index: PartitionedIndex, remember: (change: ArticleChange) => void) => Promise<T>,
  ): Promise<T> {
    return this.serialized(async () => {
      const base = await this.sync();
      const out = await fn(base.index, (change) => this.remember(change, null));
      this.notify();
      return out;
    });
  }

  private forcePublish = false;

  private async publishNow(): Promise<{ version: number; attempts: number } | null> {
    if (this.unpublished.size === 0 && !this.forcePublish) return null;
    const maxAttempts = this.options.maxPublishAttempts ?? 8;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const base = await this.sync();
      const outcome = await publishIndex(this.options.store, base.index, base, {
        ...this.options,
        highWatermark: this.highWatermark,
      });
      if (outcome !== 'conflict') {
        this.base = { index: base.index, ...outcome };
        this.unpublished.clear();
        this.forcePublish = false;
        this.notify();
        return { version: outcome.manifest.version, attempts: attempt };
      }
      // Another writer won: the next sync() loads its snapshot and re-applies our changes. The
      // jittered backoff keeps a writer that must reload from being starved by one that need not.
      await sleep(Math.random() * Math.min(1000, 10 * 2 ** attempt));
    }
    throw new PublishConflictError(`lost the manifest compare-and-swap ${maxAttempts} times in a row`);
  }

  /** Makes `this.base` the latest publication, re-applying unpublished changes on a reload. */
  private async sync(): Promise<Base> {
    const { store } = this.options;
    // Our own swap is in flight: the manifest is about to change under us, and reloading what we
    // are publishing would only cost time. A publication by another writer is still caught: our
    // swap then fails and the rebase happens under the lock.
    if (this.writingOutsideLock && this.base) return this.base;
    if (this.base?.etag) {
      const check = await store.readIfChanged(MANIFEST_KEY, this.base.etag);
      if (check === 'unchanged') return this.base;
      if (check === null) {
        this.base = { index: this.base.index, manifest: null, etag: null };
        this.forcePublish = true; // the manifest vanished: republish what we hold
        return this.base;
      }
      const manifest = decodeManifest(check.bytes);
      this.base = { index: await loadSnapshotOf(store, manifest), manifest, etag: check.etag };
      this.replayUnpublished();
      this.notify();
      return this.base;
    }
    if (this.base && this.base.etag === null) {
      const current = await store.read(MANIFEST_KEY);
      if (current === null) return this.base;
    }
    this.base = await loadPublished(store, () => PartitionedIndex.empty());
    this.replayUnpublished();
    this.notify();
    return this.base;
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

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Applies one change through the index's version map; true when it changed the index. */
export function applyChange(index: PartitionedIndex, change: ArticleChange): boolean {
  if (change.kind === 'upsert') return index.applyUpsert(change.article);
  // applyRemove also accepts a repeat of the same tombstone; only a real change counts here.
  const before = index.versionOf(change.id);
  const wasLive = index.has(change.id);
  if (!index.applyRemove(change.id, change.version)) return false;
  return wasLive || before === undefined || before < change.version;
}

/** Structural checks a decoder may not make; a failing change is reported as a poison record. */
function validateChange(change: ArticleChange): Error | null {
  if (typeof change.id !== 'string' || change.id.length === 0) return new Error('change without an id');
  if (!Number.isInteger(change.version) || change.version < 1)
    return new Error(`bad version for ${change.id}`);
  if (change.kind === 'upsert') {
    const { article } = change;
    if (!article || article.id !== change.id || article.version !== change.version) {
      return new Error(`upsert of ${change.id} carries a mismatched article`);
    }
    if (typeof article.title !== 'string' || !Array.isArray(article.paragraphs)) {
      return new Error(`upsert of ${change.id} carries an incomplete article`);
    }
  } else if ((change as { kind: string }).kind !== 'remove') {
    return new Error(`unknown change kind for ${change.id}`);
  }
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
