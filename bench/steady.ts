/**
 * `npm run bench:steady -- [--articles N] [--batches B] [--grow G]`: the index life cycle under
 * steady ingest (issue 10), on the modules the AWS handlers wrap (`Indexer` for the indexer
 * function's stream batches, `IndexLoader` for the search function's refresh), over a blob store
 * on local disk, with batches of 10 new articles arriving onto an archive of N.
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
 * Two paths, both run unless `--path` picks one: `module` drives those modules directly (and times
 * the refresh alone); `bundled` (bench/steady-bundled.ts) drives the indexer and search functions as
 * bundled for Lambda with the stream batches and API Gateway events AWS delivers. Not measured on
 * either: Lambda's own overheads (cold starts, S3 latency).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
import { Command } from 'commander';
import { growCorpus } from './corpus';
import { generateCorpus } from './generate';
import { buildQueryMix, toSearchRequest } from './queries';
import { median, percentiles } from './stats';
import { steadyBundled } from './steady-bundled';

const BATCH = 10;

/** S3's billing classes: LIST is billed as a PUT; DELETE is free. */
interface Requests {
  putClass: number;
  getClass: number;
  deletes: number;
}

/** A blob store that counts the bytes written to it and its requests by S3 billing class. */
function counting(store: BlobStore): { store: BlobStore; written: () => number; requests: Requests } {
  let bytes = 0;
  const requests: Requests = { putClass: 0, getClass: 0, deletes: 0 };
  const counted: BlobStore = {
    get: (key) => {
      requests.getClass++;
      return store.get(key);
    },
    put: (key, value) => {
      bytes += value.byteLength;
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
  return { store: counted, written: () => bytes, requests };
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
async function wholeSnapshot(articles: readonly Article[], dir: string) {
  const index = PartitionedIndex.empty();
  for (const article of articles) index.applyUpsert(article);
  const store = new FsBlobStore(join(dir, 'whole'));
  const publishTimes: number[] = [];
  const loadTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
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

/** The archive the batches arrive onto, and the articles that arrive. */
function steadyCorpus(articles: number, batches: number) {
  const corpus = growCorpus(generateCorpus(2_000, 11), articles + batches * BATCH, 5);
  return { base: corpus.slice(0, articles), arriving: corpus.slice(articles) };
}

async function steady(articles: number, batches: number, dir: string) {
  const { base, arriving } = steadyCorpus(articles, batches);
  const disk = new FsBlobStore(join(dir, 'segments'));
  const { store, written, requests: indexerRequests } = counting(disk);
  const { store: loaderStore, requests: loaderRequests } = counting(disk);
  await publishRebuild(
    store,
    (async function* () {
      yield* base;
    })(),
  );
  const whole = await wholeSnapshot(base, dir);

  const loader = await IndexLoader.open({ store: loaderStore, refreshIntervalMs: 0 });
  const indexer = new Indexer({ store });
  // Requests from here on are the steady state's (the initial publication and load are not).
  const counted = { indexer: { ...indexerRequests }, loader: { ...loaderRequests } };
  const queries = buildQueryMix(base, 140, 3).map(toSearchRequest);
  for (const request of queries) loader.current().index.query(request); // warm-up, not counted
  const idle: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const request of queries) {
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
  const perBatch = Math.ceil(queries.length / batches) * 3;
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
      const request = queries[q++ % queries.length] ?? { q: 'x' };
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
      publishBytes: median(publishBytes) / whole.bytes,
      publishTime: median(publishMs) / whole.publishMs,
      refreshTime: median(refreshMs) / whole.loadMs,
      p99UnderIngest: p99 / idleP99,
    },
  };
}

/** Grows an archive from 0 to `total` in batches of 10: bytes written, merges included. */
async function growth(total: number, dir: string) {
  const corpus = growCorpus(generateCorpus(2_000, 13), total, 9);
  const { store, written, requests } = counting(new FsBlobStore(join(dir, 'growth')));
  const indexer = new Indexer({ store });
  let maxSegments = 0;
  let indexerMs = 0;
  for (let i = 0; i < corpus.length; i += BATCH) {
    const started = performance.now();
    await indexer.applyChangeBatch(corpus.slice(i, i + BATCH).map((a, j) => upsert(a, i + j)));
    await indexer.maintain({ budgetMs: 20_000 });
    indexerMs += performance.now() - started;
    const state = indexer.state();
    for (const partition of state?.index.partitions() ?? []) {
      const count = state?.index.segmentsOf(partition.id).filter((s) => s.sealed).length ?? 0;
      maxSegments = Math.max(maxSegments, count);
    }
  }
  const whole = await wholeSnapshot(corpus, dir);
  return {
    articles: total,
    bytesWritten: written(),
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

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const kb = (bytes: number) => `${(bytes / 1e3).toFixed(1)} kB`;
const fmtRequests = (r: Requests) =>
  `${r.putClass.toFixed(1)} PUT/LIST, ${r.getClass.toFixed(1)} GET, ${r.deletes.toFixed(1)} DELETE`;

/** The module path: the figures printed and returned under `steady`. */
async function reportModulePath(articles: number, batches: number, dir: string) {
  const s = await steady(articles, batches, dir);
  console.log(`steady ingest onto ${s.articles} articles, ${s.batches} batches of ${BATCH} (modules):`);
  console.log(
    `  whole snapshot: ${mb(s.whole.bytes)}, publication ${s.whole.publishMs.toFixed(0)} ms, load ${s.whole.loadMs.toFixed(0)} ms`,
  );
  console.log(
    `  per batch (median): ${kb(s.batch.publishBytes)} written, apply + publish ${s.batch.publishMs.toFixed(0)} ms, merges ${s.batch.mergeMsMedian.toFixed(0)} ms, refresh ${s.batch.refreshMs.toFixed(1)} ms`,
  );
  console.log(
    `  requests per batch (mean): indexer ${fmtRequests(s.batch.indexerRequests)}; one search function's refresh ${fmtRequests(s.batch.refreshRequests)}`,
  );
  console.log(
    `  search p99: idle ${s.idleP99Ms.toFixed(1)} ms, under ingest ${s.underIngestP99Ms.toFixed(1)} ms; ingest to searchable p95 ${s.ingestToSearchableP95Ms.toFixed(0)} ms (${s.searchableBatches}/${s.batches} batches found at once)`,
  );
  const r = s.ratios;
  console.log(
    `  ratios: publishBytes ${r.publishBytes.toFixed(4)} (≤ 0.02), publishTime ${r.publishTime.toFixed(3)} (≤ 0.05), refreshTime ${r.refreshTime.toFixed(3)} (≤ 0.05), p99UnderIngest ${r.p99UnderIngest.toFixed(2)} (≤ 1.25)`,
  );
  return s;
}

/** The bundled path (bench/steady-bundled.ts), on the same corpus and query mix as the module path. */
async function reportBundledPath(options: {
  articles: number;
  batches: number;
  dir: string;
  batchIntervalMs: number;
  refreshMs: number | undefined;
}) {
  const { base, arriving } = steadyCorpus(options.articles, options.batches);
  const b = await steadyBundled({
    base,
    batches: Array.from({ length: options.batches }, (_, i) => arriving.slice(i * BATCH, (i + 1) * BATCH)),
    queries: buildQueryMix(base, 140, 3),
    dir: join(options.dir, 'bundled'),
    batchIntervalMs: options.batchIntervalMs,
    refreshMs: options.refreshMs,
  });
  console.log(
    `steady ingest onto ${options.articles} articles, ${options.batches} batches of ${BATCH} (bundled handlers, stream batches, API Gateway events; refresh interval ${b.refreshMs}, a batch every ${b.batchIntervalMs} ms):`,
  );
  console.log(
    `  indexer invocation (median, merges included) ${b.indexerInvocationMs.toFixed(0)} ms, ${kb(b.bytesWrittenPerBatch)} written per batch`,
  );
  console.log(
    `  search p50 / p99: idle ${b.idleP50Ms.toFixed(1)} / ${b.idleP99Ms.toFixed(1)} ms, under ingest ${b.underIngestP50Ms.toFixed(1)} / ${b.underIngestP99Ms.toFixed(1)} ms (${b.queriesUnderIngest} queries): p99UnderIngest ${b.ratios.p99UnderIngest.toFixed(2)} (≤ 1.25)`,
  );
  console.log(
    `  ingest to searchable: median ${b.ingestToSearchableMedianMs.toFixed(0)} ms, p95 ${b.ingestToSearchableP95Ms.toFixed(0)} ms`,
  );
  return b;
}

async function main(): Promise<void> {
  const opts = new Command()
    .name('bench:steady')
    .option('--articles <n>', 'archive size the batches arrive onto', Number, 10_000)
    .option('--batches <n>', 'batches of 10 new articles', Number, 30)
    .option('--grow <n>', 'articles grown from 0 for write amplification (0: skip)', Number, 5_000)
    .option('--path <paths>', 'module, bundled or both, comma-separated', 'module,bundled')
    .option(
      '--batch-interval-ms <n>',
      'bundled: search traffic after each batch before the next',
      Number,
      3000,
    )
    .option(
      '--refresh-ms <n>',
      "bundled: the search function's ARCHIVE_INDEX_REFRESH_MS (default: as deployed)",
    )
    .parse()
    .opts<{
      articles: number;
      batches: number;
      grow: number;
      path: string;
      batchIntervalMs: number;
      refreshMs?: string;
    }>();
  const paths = new Set(opts.path.split(','));
  const dir = await mkdtemp(join(tmpdir(), 'bench-steady-'));
  try {
    const out: Record<string, unknown> = {};
    if (paths.has('module')) out.steady = await reportModulePath(opts.articles, opts.batches, dir);
    if (paths.has('bundled')) {
      out.bundled = await reportBundledPath({
        articles: opts.articles,
        batches: opts.batches,
        dir,
        batchIntervalMs: opts.batchIntervalMs,
        refreshMs: opts.refreshMs === undefined ? undefined : Number(opts.refreshMs),
      });
    }
    if (opts.grow > 0) {
      const g = await growth(opts.grow, dir);
      console.log(
        `growth 0 → ${g.articles} in batches of ${BATCH}: ${mb(g.bytesWritten)} written for a ${mb(g.finalSnapshotBytes)} snapshot, write amplification ${g.writeAmplification.toFixed(1)} (≤ 10), max ${g.maxSegmentsPerPartition} segments per partition (≤ 12)`,
      );
      console.log(
        `  per batch (mean, merges and collection included): indexer ${g.perBatch.indexerMs.toFixed(0)} ms, requests ${fmtRequests(g.perBatch.requests)}`,
      );
      out.growth = g;
    }
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
    await writeFile(
      join(import.meta.dirname, 'results', `steady-${opts.articles}.json`),
      `${JSON.stringify(out, null, 2)}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
