import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStories } from '@archive/api';
import { runInSlices } from '@archive/core';
import { IndexLoader, indexHealth, LocalIndexer, loadSegmented } from '@archive/search';
import { decodeChangeRecord, FsBlobStore } from '@archive/store';
import type { DynamoDBRecord } from 'aws-lambda';
import type { LocalPlugin } from './plugins';

export interface SearchPluginOptions {
  /** How long change records are buffered before they are applied (default 100 ms). */
  flushIntervalMs?: number;
  /** How often a snapshot is written while changes arrive (default 2000 ms). */
  persistIntervalMs?: number;
  /** Most rows one `GET /export` returns (default 100,000). */
  exportMaxRows?: number;
}

/**
 * Search on one machine: the same indexer as the Lambda, fed in process with the change records
 * the store emits (dynalite has no streams), snapshots under `<dataDir>/index`, and
 * `GET /search` / `GET /suggest` served from the index the indexer hands over in memory, so an
 * upload is searchable within one flush interval.
 *
 * On start, the snapshot is reconciled against the store, which catches up anything a crash left
 * unindexed; that is what makes "a crash at any point loses nothing" hold locally.
 */
export function searchPlugin(options: SearchPluginOptions = {}): LocalPlugin {
  return {
    name: 'search',
    async start(context) {
      // An in-memory runtime (tests) still needs somewhere to publish snapshots.
      const scratch = context.dataDir ? null : await mkdtemp(join(tmpdir(), 'archive-index-'));
      const store = new FsBlobStore(context.dataDir ? join(context.dataDir, 'index') : (scratch as string), {
        durable: context.dataDir !== null,
      });
      // Loaded once: the indexer changes this index in place and search serves it.
      const loaded = await loadSegmented(store);
      // The loaded segments' spelling vocabularies are built in the background, in time slices,
      // so the first spelling hint after a start does not build them inside its request.
      runInSlices(loaded.index.prepareSurfaceSteps()).catch((error: unknown) =>
        context.log(`preparing the spelling vocabulary failed: ${String(error)}`),
      );
      const loader = IndexLoader.serving({ store, followStore: false }, loaded);
      let lastChangeAt: string | null = null;
      const indexer = new LocalIndexer<DynamoDBRecord>({
        store,
        initial: loaded,
        decode: decodeChangeRecord,
        // The written item's updatedAt: the instant its change-log entry is stamped with.
        changedAt: (record) => record.dynamodb?.NewImage?.updatedAt?.S,
        flushIntervalMs: options.flushIntervalMs,
        persistIntervalMs: options.persistIntervalMs,
        onIndexChanged: (state) => loader.offer(state),
        onError: (error, recordId) =>
          context.log(`indexing failed${recordId ? ` for ${recordId}` : ''}: ${String(error)}`),
      });
      const unsubscribe = context.onChanges(async (records) => {
        let takedown = false;
        for (const record of records) {
          const updatedAt = record.dynamodb?.NewImage?.updatedAt?.S;
          if (updatedAt && (lastChangeAt === null || updatedAt > lastChangeAt)) lastChangeAt = updatedAt;
          takedown ||= record.eventName === 'REMOVE' || record.dynamodb?.NewImage?.deletedAt !== undefined;
          indexer.push(record);
        }
        // The store waits for this listener before the write answers: a takedown leaves search
        // before its DELETE answers, instead of one flush interval later.
        if (takedown) await indexer.applyNow();
      });
      const { repository } = context;
      const log = repository.changeLog;
      const report = await indexer.reconcile({
        states: () => repository.scanStates(),
        load: (ids) => repository.getMany(ids),
        ...(log
          ? {
              changes: {
                epoch: () => log.epoch(),
                since: (since) => log.since(since),
                read: (ids) => repository.readCurrent(ids),
              },
            }
          : {}),
      });
      if (report.scanReason) context.log(`index: scanned the whole store to catch up: ${report.scanReason}`);
      const served = loader.current();
      context.log(
        `index v${served.version}: ${served.articleCount} articles` +
          (report.mode === 'changes' ? ` (${report.changesRead} changes since the last snapshot read)` : '') +
          (report.upserted || report.removed || report.rebuilt
            ? ` (caught up: ${report.upserted} indexed, ${report.removed} removed${report.rebuilt ? ', rebuilt' : ''})`
            : ''),
      );

      return {
        search: {
          getIndex: () => loader.current().index,
          loadArticles: (ids) => context.repository.getMany(ids),
          getArticle: (id) => context.repository.get(id),
          describeStories: (ids) =>
            describeStories({ stories: context.stories, repository: context.repository }, ids),
          exports: {
            maxRows: options.exportMaxRows,
            logError: (message, error) => context.log(`${message}: ${String(error)}`),
          },
        },
        // The same index block as the search function's, plus how far it is behind the store.
        health: async () => ({
          index: indexHealth(loader.current(), Date.now(), { lastStoreChange: lastChangeAt }),
        }),
        close: async () => {
          unsubscribe();
          // The runtime closed HTTP and drained the change feed before this: nothing is in flight.
          await indexer.close({ settled: true });
          loader.close();
          if (scratch) await rm(scratch, { recursive: true, force: true });
        },
      };
    },
  };
}
