/**
 * The index life cycle under steady ingest (issue 10), on the modules the AWS handlers wrap
 * (`Indexer` for the indexer function's stream batches, `IndexLoader` for the search function's
 * refresh), over a blob store on local disk, with batches of 10 new articles arriving onto an
 * archive. `bench/steady-bundled.ts` runs the same on the bundled handlers; `bench/steady-section.ts`
 * runs both and reports.
 *
 * Reported, each against the whole-snapshot life cycle of earlier builds measured in the same run
 * (one blob of the whole archive written per batch and loaded by every search function):
 * - publishBytes: bytes one batch writes ÷ bytes of a whole snapshot of the same archive;
 * - publishTime: indexer time for one batch (apply + publish) ÷ a whole-snapshot publication
 *   (serialise + compress + write);
 * - refreshTime: a search function's refresh after one batch ÷ a whole-snapshot load;
 * - p99UnderIngest: search p99 while batches arrive, the refresh inside the request that finds the
 *   change (as on Lambda, where nothing runs between invocations) ÷ idle p99 of the same queries;
 * - ingestToSearchableP95Ms: from a batch reaching the indexer to a search function answering with
 *   its article;
 * - writeAmplification and maxSegmentsPerPartition: growing an archive from 0 to G in batches of
 *   10 (merges included) ÷ the whole snapshot the archive ends with.
 */
import { join } from 'node:path';
import type { Article, BlobStore } from '@archive/core';
import {
  type ChangeItem,
  decodeSnapshot,
  encodeSnapshot,
  Indexer,
  IndexLoader,
  PartitionedIndex,
  publishRebuild,
} from '@archive/search';
import { FsBlobStore } from '@archive/store';
import { type BenchQuery, toSearchRequest } from './queries';
import { median, percentiles } from './stats';

/** Articles per change batch, as a newsroom's stream delivers them. */
export const BATCH = 10;

/** S3's billing classes: LIST is billed as a PUT; DELETE is free. */
export interface Requests {
  putClass: number;
  getClass: number;
  deletes: number;
}

/** A blob store that counts the bytes written to it and its requests by S3 billing class. */
function counting(store: BlobStore): {
  store: BlobStore;
  written: () => number;
  writtenStates: () => number;
  writtenRecords: () => number;
  requests: Requests;
} {
  let bytes = 0;
  let stateBytes = 0;
  let recordBytes = 0;
  const requests: Requests = { putClass: 0, getClass: 0, deletes: 0 };
  const counted: BlobStore = {
    get: (key) => {
      requests.getClass++;
      return store.get(key);
    },
    put: (key, value) => {
      bytes += value.byteLength;
      if (key.startsWith('states/')) stateBytes += value.byteLength;
      if (key.startsWith('retired/')) recordBytes += value.byteLength;
      requests.putClass++;
      return store.put(key, value);
    },
    delete: (key) => {
      requests.deletes++;
      return store.delete(key);
    },
    list: (prefix) => {
      requests.putClass++;
      return store.list(prefix);
    },
    read: (key) => {
      requests.getClass++;
      return store.read(key);
    },
    readIfChanged: (key, etag) => {
      requests.getClass++;
      return store.readIfChanged(key, etag);
    },
    writeIfMatch: (key, value, etag) => {
      bytes += value.byteLength;
      requests.putClass++;
      return store.writeIfMatch(key, value, etag);
    },
  };
  return {
    store: counted,
    written: () => bytes,
    writtenStates: () => stateBytes,
    writtenRecords: () => recordBytes,
    requests,
  };
}

const meanPerBatch = (requests: Requests, batches: number) => ({
  putClass: requests.putClass / batches,
  getClass: requests.getClass / batches,
  deletes: requests.deletes / batches,
});

const upsert = (article: Article, n: number): ChangeItem => ({
  recordId: `r${n}`,
  change: { kind: 'upsert', id: article.id, version: article.version, article },
  changedAt: article.updatedAt,
});

/** The whole-snapshot life cycle of earlier builds, for the same archive. */
async function wholeSnapshot(articles: readonly Article[], dir: string, runs = 3) {
  const index = PartitionedIndex.empty();
  for (const article of articles) index.applyUpsert(article);
  const store = new FsBlobStore(join(dir, 'whole'));
  const publishTimes: number[] = [];
  const loadTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const blob = await encodeSnapshot({ raw: index.serialize(), articleCount: index.size });
    await store.put(`snapshots/${i}.snap`, blob);
    publishTimes.push(performance.now() - started);
    bytes = blob.byteLength;
    const loading = performance.now();
    await decodeSnapshot(blob);
    loadTimes.push(performance.now() - loading);
  }
  return { bytes, publishMs: median(publishTimes), loadMs: median(loadTimes) };
}

/**
 * Batches of {@link BATCH} articles from `arriving` onto an archive of `base`, on the modules (see
 * the file comment), against the whole-snapshot life cycle of the same archive.
 */
export async function steadyModules(
  base: readonly Article[],
  arriving: readonly Article[],
  batches: number,
  queries: readonly BenchQuery[],
  dir: string,
  /** Whole-snapshot publications and loads to time as the baseline; 0 skips it (ratios null). */
  baselineRuns = 3,
) {
  const articles = base.length;
  const disk = new FsBlobStore(join(dir, 'segments'));
  const { store, written, requests: indexerRequests } = counting(disk);
  const { store: loaderStore, requests: loaderRequests } = counting(disk);
  await publishRebuild(
    store,
    (async function* () {
      yield* base;
    })(),
  );
  // At 1M the whole snapshot (~600 MB, built in memory) costs more than the rest of the run: the
  // per-batch figures are absolute, so the curve's flatness needs no baseline.
  const whole = baselineRuns > 0 ? await wholeSnapshot(base, dir, baselineRuns) : null;

  const loader = await IndexLoader.open({ store: loaderStore, refreshIntervalMs: 0 });
  const indexer = new Indexer({ store });
  // Requests from here on are the steady state's (the initial publication and load are not).
  const counted = { indexer: { ...indexerRequests }, loader: { ...loaderRequests } };
  const requests = queries.map(toSearchRequest);
  for (const request of requests) loader.current().index.query(request); // warm-up, not counted
  const idle: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const request of requests) {
      const started = performance.now();
      loader.current().index.query(request);
      idle.push(performance.now() - started);
    }
  }

  const publishMs: number[] = [];
  const publishBytes: number[] = [];
  const mergeMs: number[] = [];
  const refreshMs: number[] = [];
  const underIngest: number[] = [];
  const toSearchable: number[] = [];
  const perBatch = Math.ceil(requests.length / batches) * 3;
  let q = 0;
  for (let b = 0; b < batches; b++) {
    const batch = arriving.slice(b * BATCH, (b + 1) * BATCH);
    const before = written();
    const started = performance.now();
    await indexer.applyChangeBatch(batch.map((a, i) => upsert(a, b * BATCH + i)));
    const published = performance.now() - started;
    publishMs.push(published);
    publishBytes.push(written() - before);
    const merging = performance.now();
    await indexer.maintain({ budgetMs: 20_000 });
    mergeMs.push(performance.now() - merging);
    for (let i = 0; i < perBatch; i++) {
      const request = requests[q++ % requests.length] ?? { q: 'x' };
      const asked = performance.now();
      if (i === 0) {
        // Merges ran in between (the indexer's invocation goes on after publishing); what a reader
        // waits for is the publication, then the search function's refresh and query.
        const refreshing = performance.now();
        await loader.refresh();
        refreshMs.push(performance.now() - refreshing);
        const newest = batch[0] as Article;
        const found = loader
          .current()
          .index.query({ q: newest.title, limit: 10 })
          .results.some((hit) => hit.id === newest.id);
        if (found) toSearchable.push(published + performance.now() - refreshing);
      }
      loader.current().index.query(request);
      underIngest.push(performance.now() - asked);
    }
  }
  const idleP99 = percentiles(idle).p99;
  const p99 = percentiles(underIngest).p99;
  const since = (now: Requests, then: Requests): Requests => ({
    putClass: now.putClass - then.putClass,
    getClass: now.getClass - then.getClass,
    deletes: now.deletes - then.deletes,
  });
  return {
    articles,
    batches,
    whole,
    batch: {
      publishBytes: median(publishBytes),
      publishMs: median(publishMs),
      mergeMsMedian: median(mergeMs),
      refreshMs: median(refreshMs),
      /** Mean blob-store requests per batch: the indexer's (publication and merges) and one search function's refresh. */
      indexerRequests: meanPerBatch(since(indexerRequests, counted.indexer), batches),
      refreshRequests: meanPerBatch(since(loaderRequests, counted.loader), batches),
    },
    idleP99Ms: idleP99,
    underIngestP99Ms: p99,
    ingestToSearchableP95Ms: percentiles(toSearchable).p95,
    searchableBatches: toSearchable.length,
    ratios: {
      publishBytes: whole ? median(publishBytes) / whole.bytes : null,
      publishTime: whole ? median(publishMs) / whole.publishMs : null,
      refreshTime: whole ? median(refreshMs) / whole.loadMs : null,
      p99UnderIngest: p99 / idleP99,
    },
  };
}

/**
 * Grows an archive from 0 to all of `corpus` in batches of 10: bytes written, merges included.
 *
 * `batchEveryMs` > 0 runs the indexer on a simulated clock advancing that much per batch, so what
 * depends on time (the 15-minute grace period, hence when blobs are collected) behaves as at that
 * pace of ingest; 0 uses the wall clock, i.e. the whole growth compressed into the run's minutes.
 * (Until states stopped listing the segments retired within the grace period, that list, thousands
 * of entries on the wall clock, dominated the bytes written.)
 */
export async function growth(corpus: readonly Article[], dir: string, batchEveryMs = 60_000) {
  const total = corpus.length;
  const { store, written, writtenStates, writtenRecords, requests } = counting(
    new FsBlobStore(join(dir, 'growth')),
  );
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const indexer = new Indexer({ store, ...(batchEveryMs > 0 ? { now: () => new Date(clock) } : {}) });
  let maxSegments = 0;
  let indexerMs = 0;
  for (let i = 0; i < corpus.length; i += BATCH) {
    const started = performance.now();
    await indexer.applyChangeBatch(corpus.slice(i, i + BATCH).map((a, j) => upsert(a, i + j)));
    await indexer.maintain({ budgetMs: 20_000 });
    indexerMs += performance.now() - started;
    clock += batchEveryMs;
    const state = indexer.state();
    for (const partition of state?.index.partitions() ?? []) {
      const count = state?.index.segmentsOf(partition.id).filter((s) => s.sealed).length ?? 0;
      maxSegments = Math.max(maxSegments, count);
    }
  }
  const whole = await wholeSnapshot(corpus, dir);
  return {
    articles: total,
    batchEveryMs,
    bytesWritten: written(),
    /** Of which state blobs (each lists the partitions' segments and their delete markers). */
    stateBytesWritten: writtenStates(),
    /** Of which retirement records (one per publication that retires segments). */
    recordBytesWritten: writtenRecords(),
    finalSnapshotBytes: whole.bytes,
    writeAmplification: written() / whole.bytes,
    maxSegmentsPerPartition: maxSegments,
    /** What one indexer invocation costs on average over the growth, merges and collection included. */
    perBatch: {
      indexerMs: indexerMs / (corpus.length / BATCH),
      requests: meanPerBatch(requests, corpus.length / BATCH),
    },
  };
}
