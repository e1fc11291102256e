import type { ArticleChange, BlobStore } from '@archive/core';
import type { ChangeMark, SegmentManifest } from '../segments/segment-manifest';
import { type LoadedSegments, maxIso } from '../segments/segment-store';
import { type BatchResult, type ChangeItem, Indexer, type IndexState } from './indexer';
import { rebuildIndex } from './rebuild';
import {
  markProblem,
  type ReconcileReport,
  type ReconcileSource,
  reconcileByScan,
  reconcileFromLog,
  scanStore,
} from './reconcile';

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
  /**
   * How far back of the newest change applied the published mark stays while changes arrive
   * (default 60 s): writes stamped earlier may still be in flight, and the clock may step back.
   */
  markMarginMs?: number;
  now?: () => Date;
}

/** What the local indexer knows of the store's change log, once {@link LocalIndexer.reconcile} ran. */
interface LogPosition {
  epoch: string;
  /** Every change logged before this instant is applied (reconciliation's start, less the margin). */
  floor: string;
  /** The newest change-record time applied since (`changedAt`). */
  newest: string | null;
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
  /** Null until reconciled: publications then carry the loaded mark unchanged. */
  private position: LogPosition | null = null;
  /** A record failed or a batch was lost: no mark is trusted until the next start scans. */
  private markBroken = false;
  /** Set by a settled close: every committed write was pushed, so the mark may be the present. */
  private settledAt: string | null = null;

  constructor(private readonly options: LocalIndexerOptions<R>) {
    this.indexer = new Indexer({
      store: options.store,
      onIndexChanged: options.onIndexChanged,
      initial: options.initial,
      changeMarkOf: (published) => this.changeMark(published),
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

  /**
   * Flushes, publishes and stops the timers. `settled`: the caller guarantees every committed write
   * was pushed (the runtime closes HTTP and drains the change feed first), so the last publication's
   * mark is the present and the next start reads no change log entry from before it.
   */
  async close(options: { settled?: boolean } = {}): Promise<void> {
    this.closed = true;
    if (options.settled && this.position) {
      this.settledAt = this.now().toISOString();
      // Published even without changes: the mark moves up to the present.
      this.indexer.requestPublication();
    }
    await this.flush();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  /**
   * The mark a publication carries: none after a failure; the loaded one until this process
   * reconciled; then the later of reconciliation's floor and the newest change applied less the
   * margin (or the present, at a settled close).
   */
  private changeMark(published: SegmentManifest | null): ChangeMark | null {
    if (this.markBroken) return null;
    const position = this.position;
    if (!position) return published?.changeMark ?? null;
    if (this.settledAt) return { log: position.epoch, through: this.settledAt };
    const newest =
      position.newest === null ? null : new Date(Date.parse(position.newest) - this.marginMs()).toISOString();
    return { log: position.epoch, through: maxIso(position.floor, newest) ?? position.floor };
  }

  private marginMs(): number {
    return this.options.markMarginMs ?? DEFAULT_MARK_MARGIN_MS;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Brings the snapshot in line with the store and publishes the result. With the store's change
   * log and a trusted mark, only the changes logged since the mark are read; otherwise (no log, no
   * mark, another store's mark) every state of the store is walked, as `scanReason` says. Either
   * way, a snapshot holding what the store does not (newer versions, articles the store no longer
   * has) is rebuilt from the store.
   */
  async reconcile(source: ReconcileSource, options: { chunkSize?: number } = {}): Promise<ReconcileReport> {
    const chunkSize = options.chunkSize ?? 200;
    const report: ReconcileReport = {
      upserted: 0,
      removed: 0,
      rebuilt: false,
      mode: 'scan',
      scanReason: null,
      changesRead: 0,
      articlesRead: 0,
    };
    const log = source.changes;
    const epoch = log ? await log.epoch() : null;
    // Taken before the store is read: what is logged from here on is read by the next start.
    const startedMs = this.now().getTime();
    const needsRebuild = await this.indexer.withIndex(async (index, remember) => {
      const mark = this.indexer.publishedManifest()?.changeMark;
      if (log && epoch !== null) {
        report.scanReason = markProblem(mark, epoch, startedMs, this.marginMs());
        if (!report.scanReason && mark) {
          report.mode = 'changes';
          return reconcileFromLog(index, remember, log, mark.through, report, chunkSize);
        }
      }
      return reconcileByScan(index, remember, source, report, chunkSize);
    });
    if (needsRebuild) {
      report.rebuilt = true;
      await this.indexer.replaceIndex(await rebuildIndex(scanStore(source, chunkSize)));
    }
    if (epoch !== null) {
      const floor = new Date(startedMs - this.marginMs()).toISOString();
      this.position = { epoch, floor, newest: null };
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
        this.markBroken = true;
        this.options.onError?.(new Error('change record could not be indexed'), failure.itemIdentifier);
      }
      // Only now, after the batch is in the index: a publication taken meanwhile keeps the older mark.
      if (this.position) {
        for (const item of items) this.position.newest = maxIso(this.position.newest, item.changedAt ?? null);
      }
      if (result.applied > 0) this.schedulePersist();
      return result;
    } catch (error) {
      // The batch is lost to this process; only a scan at the next start is sure to find it.
      this.markBroken = true;
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
const DEFAULT_MARK_MARGIN_MS = 60_000;
