import type { Article, ArticleChange, BlobStore } from '@archive/core';
import type { LoadedSegments } from '../segments/segment-store';
import { applyChange, type BatchResult, type ChangeItem, Indexer, type IndexState } from './indexer';
import { rebuildIndex } from './rebuild';

/** What the store holds for one article id: its current version, live or taken down. */
export interface StoredArticleState {
  id: string;
  version: number;
  removed: boolean;
}

/** The store, as reconciliation needs it. */
export interface ReconcileSource {
  /** Every id the store knows, live or tombstoned, with its current version. */
  states(): AsyncIterable<StoredArticleState>;
  /** The current full articles for these ids (missing ones omitted). */
  load(ids: string[]): Promise<Article[]>;
}

export interface ReconcileReport {
  /** Articles (re)indexed because the snapshot lacked them or held an older version. */
  upserted: number;
  /** Takedowns the snapshot had missed. */
  removed: number;
  /** True when the snapshot disagreed in a way only a rebuild fixes (ahead of the store, extras). */
  rebuilt: boolean;
}

export interface LocalIndexerOptions<R> {
  store: BlobStore;
  /** Decodes one change record; throws for an undecodable one. */
  decode: (record: R) => ArticleChange;
  /** Commit time of a record, if the record carries one. */
  changedAt?: (record: R) => string | undefined;
  /** Apply buffered records this often (default 100 ms). */
  flushIntervalMs?: number;
  /** Apply at once when this many records are buffered (default 500). */
  maxBatchSize?: number;
  /** Publish a snapshot at most this often while changes arrive (default 2000 ms). */
  persistIntervalMs?: number;
  /** Receives every new in-memory index (wire it to `IndexLoader.offer`). */
  onIndexChanged?: (state: IndexState) => void;
  /** Failed records and background errors; the next start's reconciliation repairs both. */
  onError?: (error: unknown, recordId?: string) => void;
  /** The publication this process already loaded (shared with the search side). */
  initial?: LoadedSegments;
}

/**
 * The indexer of the local runtime: buffers change records from the store's in-process sink,
 * applies them in small batches through the same {@link Indexer} as the Lambda, and hands each
 * new in-memory index to the search side at once, so local ingest is searchable within one
 * flush interval.
 *
 * Snapshots are published less often than batches are applied (serialising the whole index is
 * the expensive step), and on {@link close}. Anything not yet published when the process dies
 * is recovered by {@link reconcile} at the next start, which compares the snapshot with the
 * store: that is how a crash at any point converges.
 */
export class LocalIndexer<R> {
  readonly indexer: Indexer;
  private buffer: { record: R; id: string }[] = [];
  private sequence = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private persistTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: LocalIndexerOptions<R>) {
    this.indexer = new Indexer({
      store: options.store,
      onIndexChanged: options.onIndexChanged,
      initial: options.initial,
    });
  }

  /** The sink: accepts one committed change record. */
  push(record: R): void {
    if (this.closed) throw new Error('local indexer is closed');
    this.buffer.push({ record, id: `local-${++this.sequence}` });
    if (this.buffer.length >= (this.options.maxBatchSize ?? 500)) void this.applyBuffered();
    else this.flushTimer ??= setTimeout(() => void this.applyBuffered(), this.options.flushIntervalMs ?? 100);
  }

  /**
   * Applies everything buffered to the in-memory index now (no snapshot). The local runtime calls
   * it for a takedown before the DELETE answers, so no search after that answer finds the article.
   */
  applyNow(): Promise<BatchResult> {
    return this.applyBuffered();
  }

  /** Applies everything buffered and publishes a snapshot now. */
  async flush(): Promise<BatchResult> {
    const result = await this.applyBuffered();
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    await this.indexer.publish();
    return result;
  }

  /** Flushes, publishes and stops the timers. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  /**
   * Brings the snapshot in line with the store: indexes what it lacks or holds at an older
   * version, applies missed takedowns, and rebuilds from the store when the snapshot holds
   * something the store does not (newer versions, or articles the store no longer lists).
   * Publishes the result.
   */
  async reconcile(source: ReconcileSource, options: { chunkSize?: number } = {}): Promise<ReconcileReport> {
    const chunkSize = options.chunkSize ?? 200;
    const report: ReconcileReport = { upserted: 0, removed: 0, rebuilt: false };
    const needsRebuild = await this.indexer.withIndex(async (index, remember) => {
      let live = 0;
      let stale: string[] = [];
      const loadStale = async () => {
        const loaded = await source.load(stale);
        // An id the store lists but cannot load (a quarantined item) is not live for the index.
        live -= stale.length - loaded.length;
        for (const article of loaded) {
          const change: ArticleChange = { kind: 'upsert', id: article.id, version: article.version, article };
          if (applyChange(index, change)) {
            remember(change);
            report.upserted++;
          }
        }
        stale = [];
      };
      for await (const state of source.states()) {
        const seen = index.versionOf(state.id);
        if (seen !== undefined && seen > state.version) return true; // the snapshot is ahead of the store
        if (state.removed) {
          const change: ArticleChange = { kind: 'remove', id: state.id, version: state.version };
          const wasLive = index.has(state.id);
          if (applyChange(index, change)) {
            remember(change);
            if (wasLive) report.removed++;
          }
          continue;
        }
        live++;
        if (seen !== state.version || !index.has(state.id)) stale.push(state.id);
        if (stale.length >= chunkSize) await loadStale();
      }
      await loadStale();
      // Every live article is now indexed; anything more is an article the store no longer has.
      return index.size !== live;
    });
    if (needsRebuild) {
      report.rebuilt = true;
      await this.indexer.replaceIndex(await rebuildIndex(scanStore(source, chunkSize)));
    }
    await this.indexer.publish();
    return report;
  }

  private async applyBuffered(): Promise<BatchResult> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    const items: ChangeItem[] = batch.map(({ record, id }) => {
      try {
        return {
          recordId: id,
          change: this.options.decode(record),
          changedAt: this.options.changedAt?.(record),
        };
      } catch (error) {
        return { recordId: id, change: error instanceof Error ? error : new Error(String(error)) };
      }
    });
    try {
      const result = await this.indexer.applyChangeBatch(items, { publish: false });
      for (const failure of result.batchItemFailures) {
        this.options.onError?.(new Error('change record could not be indexed'), failure.itemIdentifier);
      }
      if (result.applied > 0) this.schedulePersist();
      return result;
    } catch (error) {
      this.options.onError?.(error);
      throw error;
    }
  }

  /**
   * Snapshots are for restarts (reconciliation covers a crash), so they may lag: the interval
   * grows to ten times the last publication's duration, keeping a large index's serialisation
   * (synchronous, about 20 ms per 1,000 articles) to a tenth of the time while changes stream in.
   */
  private schedulePersist(): void {
    if (this.persistTimer || this.closed) return;
    const interval = Math.max(this.options.persistIntervalMs ?? 2000, 10 * this.lastPublishMs);
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      const started = performance.now();
      this.indexer
        .publish()
        .then(() => {
          this.lastPublishMs = performance.now() - started;
          // Merges between persists, never on an ingest's path; the budget bounds how long one
          // round keeps changes waiting behind the indexer's lock.
          return this.indexer.maintain({ budgetMs: MERGE_BUDGET_MS });
        })
        .catch((error: unknown) => this.options.onError?.(error));
    }, interval);
    this.persistTimer.unref();
  }

  private lastPublishMs = 0;
}

const MERGE_BUDGET_MS = 1_000;

/** Every live article and tombstone of the store, loading full articles in chunks. */
async function* scanStore(source: ReconcileSource, chunkSize: number) {
  let ids: string[] = [];
  for await (const state of source.states()) {
    if (state.removed) yield { id: state.id, version: state.version, removed: true as const };
    else ids.push(state.id);
    if (ids.length >= chunkSize) {
      yield* await source.load(ids);
      ids = [];
    }
  }
  if (ids.length > 0) yield* await source.load(ids);
}
