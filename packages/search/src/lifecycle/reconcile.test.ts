import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Article, ArticleChange } from '@archive/core';
import { FsBlobStore } from '@archive/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeArticle } from '../../../../test/fixtures/lifecycle-articles';
import { readPointer, rollbackSegments } from '../segments/segment-store';
import { LocalIndexer } from './local-indexer';
import type { ChangeLogSource, LoggedChange, ReconcileSource, StoredArticleState } from './reconcile';

let dir: string;
let fs: FsBlobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reconcile-'));
  fs = new FsBlobStore(dir, { durable: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A change record as the local sink emits it: the change and the written item's updatedAt. */
interface SinkRecord {
  change: ArticleChange;
  at: string;
}

/**
 * An article store with a change log, in memory, counting what reconciliation reads from it:
 * whole-store scans and full articles. Writes stamp entries with its clock, one second apart.
 */
class LoggedStore implements ReconcileSource {
  private readonly items = new Map<string, { article: Article; removed: boolean }>();
  private readonly entries: LoggedChange[] = [];
  readonly reads = { scans: 0, articles: 0 };
  epoch = 'log-1';
  private clock = Date.parse('2026-01-01T00:00:00Z');
  readonly now = () => new Date(this.clock);

  tick(ms = 1000): void {
    this.clock += ms;
  }

  /** A committed write: entry first, then the item. Returns the record the sink would emit. */
  put(id: string, version: number): SinkRecord {
    const at = this.log(id, version, false);
    const article = { ...makeArticle(id, version), updatedAt: at };
    this.items.set(id, { article, removed: false });
    return { change: { kind: 'upsert', id, version, article }, at };
  }

  takeDown(id: string, version: number): SinkRecord {
    const at = this.log(id, version, true);
    this.items.set(id, { article: { ...makeArticle(id, version), updatedAt: at }, removed: true });
    return { change: { kind: 'remove', id, version }, at };
  }

  /** An entry whose write never committed (a lost race, or a crash between entry and item). */
  log(id: string, version: number, removed: boolean): string {
    this.tick();
    const at = this.now().toISOString();
    this.entries.push({ id, version, removed, at });
    return at;
  }

  async *states(): AsyncIterable<StoredArticleState> {
    this.reads.scans++;
    for (const { article, removed } of this.items.values())
      yield { id: article.id, version: article.version, removed };
  }

  async load(ids: string[]): Promise<Article[]> {
    const live = ids.flatMap((id) => {
      const item = this.items.get(id);
      return item && !item.removed ? [item.article] : [];
    });
    this.reads.articles += live.length;
    return live;
  }

  readonly changes: ChangeLogSource = {
    epoch: async () => this.epoch,
    since: (since) => this.since(since),
    read: async (ids) => {
      const removed = ids.flatMap((id) => {
        const item = this.items.get(id);
        return item?.removed ? [{ id, version: item.article.version, removed: true }] : [];
      });
      return { live: await this.load(ids), removed };
    },
  };

  private async *since(since: string): AsyncIterable<LoggedChange> {
    yield* this.entries.filter((entry) => entry.at >= since);
  }
}

function indexerOn(store: LoggedStore, onError?: () => void): LocalIndexer<SinkRecord> {
  return new LocalIndexer<SinkRecord>({
    store: fs,
    decode: (record) => record.change,
    changedAt: (record) => record.at,
    now: store.now,
    persistIntervalMs: 60_000,
    onError,
  });
}

const live = (indexer: LocalIndexer<SinkRecord>, ids: string[]) =>
  ids.filter((id) => indexer.indexer.state()?.index.has(id));

describe('reconcile from the change log (issue 10)', () => {
  it('scans on the first start, then reads only what was logged after the mark: upserts and takedowns', async () => {
    const store = new LoggedStore();
    store.put('a1', 1);
    store.put('a2', 1);
    const first = indexerOn(store);
    const initial = await first.reconcile(store);
    expect(initial).toMatchObject({ mode: 'scan', upserted: 2, articlesRead: 2 });
    expect(initial.scanReason).toMatch(/no change-log mark/);
    store.tick();
    await first.close({ settled: true });
    expect((await readPointer(fs))?.manifest).toMatchObject({ changeMark: { log: 'log-1' } });

    // Written while the server was down (a CLI repair), or whose records a crash lost.
    store.put('a3', 1);
    store.takeDown('a1', 2);
    store.put('a2', 2);
    const second = indexerOn(store);
    const report = await second.reconcile(store);
    expect(report).toMatchObject({
      mode: 'changes',
      scanReason: null,
      changesRead: 3,
      articlesRead: 2, // a3 and a2 v2; the takedown needs no article
      upserted: 2,
      removed: 1,
      rebuilt: false,
    });
    expect(store.reads.scans).toBe(1); // the first start's
    expect(live(second, ['a1', 'a2', 'a3'])).toEqual(['a2', 'a3']);
    expect(second.indexer.state()?.index.versionOf('a2')).toBe(2);
    store.tick();
    await second.close({ settled: true });

    const third = indexerOn(store);
    const idle = await third.reconcile(store);
    expect(idle).toMatchObject({ mode: 'changes', changesRead: 0, articlesRead: 0, upserted: 0, removed: 0 });
    expect(store.reads).toEqual({ scans: 1, articles: 4 });
    await third.close({ settled: true });
  });

  it('after a crash, re-reads the entries of the margin and loads only what the snapshot lacks', async () => {
    const store = new LoggedStore();
    const first = indexerOn(store);
    await first.reconcile(store);
    first.push(store.put('a1', 1));
    first.push(store.put('a2', 1));
    await first.flush(); // published, its mark a margin behind a2
    first.push(store.put('a3', 1));
    await first.applyNow(); // in memory only: the process dies here
    store.log('a9', 1, false); // and this write never committed

    const articlesBefore = store.reads.articles;
    const second = indexerOn(store);
    const report = await second.reconcile(store);
    expect(report).toMatchObject({ mode: 'changes', changesRead: 4, upserted: 1, rebuilt: false });
    expect(store.reads.articles - articlesBefore).toBe(1); // a3 (a9 was asked for and not found)
    expect(live(second, ['a1', 'a2', 'a3', 'a9'])).toEqual(['a1', 'a2', 'a3']);
    await second.close({ settled: true });
  });

  it('falls back to a scan when the mark is of another store, and rebuilds what the store lacks', async () => {
    const store = new LoggedStore();
    store.put('a1', 1);
    store.put('gone', 1);
    const first = indexerOn(store);
    await first.reconcile(store);
    await first.close({ settled: true });

    const fresh = new LoggedStore(); // dynamo/ replaced, index/ kept
    fresh.epoch = 'log-2';
    fresh.tick(10_000);
    fresh.put('a1', 1);
    const second = indexerOn(fresh);
    const report = await second.reconcile(fresh);
    expect(report).toMatchObject({ mode: 'scan', rebuilt: true });
    expect(report.scanReason).toMatch(/another store/);
    expect(live(second, ['a1', 'gone'])).toEqual(['a1']);
    await second.close({ settled: true });
    expect((await readPointer(fs))?.manifest).toMatchObject({ changeMark: { log: 'log-2' } });
  });

  it('scans after a rollback, and after a record failed to index', async () => {
    const store = new LoggedStore();
    const first = indexerOn(store);
    await first.reconcile(store);
    first.push(store.put('a1', 1));
    await first.flush();
    store.tick();
    await first.close({ settled: true });
    await rollbackSegments(fs);
    const afterRollback = indexerOn(store);
    expect((await afterRollback.reconcile(store)).scanReason).toMatch(/rollback/);
    expect(live(afterRollback, ['a1'])).toEqual(['a1']);

    const failures: unknown[] = [];
    const failing = indexerOn(store, () => failures.push(1));
    await failing.reconcile(store);
    failing.push({ change: { kind: 'upsert', id: '', version: 0 } as unknown as ArticleChange, at: '' });
    await failing.close({ settled: true });
    expect(failures).toHaveLength(1);
    expect((await readPointer(fs))?.manifest).toMatchObject({ changeMark: null });
    const next = indexerOn(store);
    expect((await next.reconcile(store)).mode).toBe('scan');
    await next.close();
  });
});
