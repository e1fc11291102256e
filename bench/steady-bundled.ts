/**
 * The steady-ingest figures of `bench/steady.ts` on the code path AWS runs: the indexer and search
 * functions bundled exactly as the stack bundles them, each loaded in its own execution environment
 * (a worker thread, Node's own ESM loader, the function's environment variables: the bundled-handler
 * harness of the deployed-artifacts tests), the index in a `file://` bucket, and the events AWS
 * delivers:
 *
 *   10 articles written through the store's repository (dynalite) → the DynamoDB stream records those
 *   writes produce → one stream batch to the indexer handler (publication, then the merges the policy
 *   asks for, in the same invocation) → `GET /search` API Gateway events to the search handler.
 *
 * The search function keeps its deployed refresh interval (`ARCHIVE_INDEX_REFRESH_MS`, 2 s unless
 * `--refresh-ms` says otherwise) and is asked back to back, so its refresh (started by a request,
 * never awaited by one) runs between and inside the requests that follow, as on Lambda, where a
 * frozen container resumes that work in the next invocation. Latency is measured at the caller,
 * around each invocation: the adapter, routing, validation and the JSON answer included. Each batch
 * is followed by search traffic until its article is found and the batch interval has passed (under
 * ingest), then by as long a stretch with no batch (idle): the two alternate, so load from outside
 * the bench weighs on both alike.
 *
 * Not modelled: Lambda's own overheads (cold starts, S3 round trips), and CPU contention between the
 * two functions (they run one after the other here; on AWS they are separate machines).
 */
import { readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Article } from '@archive/core';
import { publishRebuild } from '@archive/search';
import { createDynamoClients, DynamoArticleRepository, ensureTables, FsBlobStore } from '@archive/store';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import {
  type BundledHandler,
  bundleFunction,
  coldStart,
  startDynalite,
  TEST_AWS_ENV,
} from '../infra/bundled-handlers';
import { httpApiEvent, streamEvent } from '../infra/lambda-events';
import { PROJECT_ROOT } from '../infra/lib/bundling';
import { toDraft } from './production';
import { type BenchQuery, toSearchPath } from './queries';
import { median, percentiles } from './stats';

type SearchFunction = BundledHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
type IndexerFunction = BundledHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>;

const TABLE = 'articles';
const PREFIX = 'index/';

export interface BundledSteadyOptions {
  base: readonly Article[];
  /** Batches of `batchSize` articles, in arrival order. */
  batches: readonly (readonly Article[])[];
  queries: readonly BenchQuery[];
  dir: string;
  /** How long search traffic runs after each batch before the next arrives. */
  batchIntervalMs: number;
  /** The search function's `ARCHIVE_INDEX_REFRESH_MS` (undefined: the deployed default). */
  refreshMs: number | undefined;
}

export interface BundledSteadyFigures {
  refreshMs: number | 'deployed default (2000)';
  batchIntervalMs: number;
  /** One indexer invocation: the batch's publication and the merges that followed it. */
  indexerInvocationMs: number;
  /** Bytes the indexer wrote to the bucket per batch (median), merges included. */
  bytesWrittenPerBatch: number;
  idleP50Ms: number;
  idleP99Ms: number;
  underIngestP50Ms: number;
  underIngestP99Ms: number;
  /** From the stream batch reaching the indexer to the search function answering with its article. */
  ingestToSearchableP95Ms: number;
  ingestToSearchableMedianMs: number;
  /** Batches whose article was found within 30 s (the others are not in the two figures above). */
  searchableBatches: number;
  queriesUnderIngest: number;
  ratios: { p99UnderIngest: number };
}

/** Total bytes of the files under `dir` (the bucket), to see what one invocation wrote. */
function bytesUnder(dir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    sizes.set(path, statSync(path).size);
  }
  return sizes;
}

/** Bytes of the files that are new or changed between two listings (what was written). */
function written(before: Map<string, number>, after: Map<string, number>): number {
  let bytes = 0;
  for (const [path, size] of after) if (before.get(path) !== size) bytes += size;
  return bytes;
}

/** A batch whose probe article is not found by then is counted as not searchable. */
const SEARCHABLE_WITHIN_MS = 30_000;

/** Longest an invocation may take before the run fails (a stuck function must not hang the bench). */
const INVOCATION_TIMEOUT_MS = 120_000;

function invoke<TEvent, TResult>(fn: BundledHandler<TEvent, TResult>, event: TEvent, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer in ${INVOCATION_TIMEOUT_MS} ms`)),
      INVOCATION_TIMEOUT_MS,
    );
  });
  return Promise.race([fn.invoke(event), timeout]).finally(() => clearTimeout(timer));
}

async function ask(search: SearchFunction, path: string): Promise<{ ms: number; ids: string[] }> {
  const url = new URL(path, 'http://bench');
  const query: Record<string, string> = Object.fromEntries(url.searchParams);
  const started = performance.now();
  const result = await invoke(search, httpApiEvent('GET /search', url.pathname, { query }), `GET ${path}`);
  const ms = performance.now() - started;
  if (result.statusCode !== 200) throw new Error(`GET ${path} answered ${result.statusCode}: ${result.body}`);
  const body = JSON.parse(result.body ?? '{}') as { results?: { id: string }[] };
  return { ms, ids: (body.results ?? []).map((hit) => hit.id) };
}

export async function steadyBundled(options: BundledSteadyOptions): Promise<BundledSteadyFigures> {
  const bucket = join(options.dir, 'bucket');
  await publishRebuild(
    new FsBlobStore(join(bucket, PREFIX)),
    (async function* () {
      yield* options.base;
    })(),
  );
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamo = await startDynalite();
  const environments: { close(): Promise<void> }[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const { client, doc } = createDynamoClients({ endpoint: dynamo.endpoint });
    await ensureTables(client, { tableName: TABLE, keysTableName: 'ingest-keys' });
    const records: DynamoDBRecord[] = [];
    const repository = new DynamoArticleRepository({
      doc,
      tableName: TABLE,
      changeSink: async (batch) => {
        records.push(...batch);
      },
    });
    const env = {
      ...TEST_AWS_ENV,
      NODE_OPTIONS: '--enable-source-maps',
      // The SDK's notice that Node 20 support ends is noise here (Lambda runs Node 22).
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const index = { ARCHIVE_INDEX_BUCKET: pathToFileURL(bucket).href, ARCHIVE_INDEX_PREFIX: PREFIX };
    // Bundled apart from the tests' bundles (and from other runs): never a half-written file.
    const bundles = join(PROJECT_ROOT, '.tmp', 'bench-bundles', `steady-${process.pid}`);
    cleanups.push(() => rm(bundles, { recursive: true, force: true }));
    const indexerBundle = await bundleFunction('indexer', bundles);
    const indexer: IndexerFunction = await coldStart(indexerBundle, { ...env, ...index });
    environments.push(indexer);
    const search: SearchFunction = await coldStart(await bundleFunction('search', bundles), {
      ...env,
      ...index,
      ARCHIVE_TABLE_NAME: TABLE,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      ARCHIVE_INDEX_REFRESH_MS: options.refreshMs === undefined ? undefined : String(options.refreshMs),
    });
    environments.push(search);

    const paths = options.queries.map(toSearchPath);
    for (const path of paths) await ask(search, path); // warm-up, not counted
    // Idle and under-ingest latencies are taken in alternation (a quiet stretch after each batch has
    // been found), so load from outside the bench weighs on both alike.
    const idle: number[] = [];

    const invocationMs: number[] = [];
    const bytesPerBatch: number[] = [];
    const underIngest: number[] = [];
    const toSearchable: number[] = [];
    let next = 0;
    for (const batch of options.batches) {
      records.length = 0;
      for (const outcome of await repository.putMany(batch.map(toDraft))) {
        if (outcome.status === 'rejected') throw outcome.reason;
      }
      const before = bytesUnder(bucket);
      const arrived = performance.now();
      const answer = await invoke(indexer, streamEvent(TABLE, records), 'the indexer');
      invocationMs.push(performance.now() - arrived);
      if (answer.batchItemFailures.length > 0) throw new Error('the indexer refused records of the batch');
      bytesPerBatch.push(written(before, bytesUnder(bucket)));
      const newest = batch[0] as Article;
      // Its title on its own day: few articles share both, so the probe finds it once it is there.
      const day = newest.publishedAt.slice(0, 10);
      const probe = `/search?${new URLSearchParams({ q: newest.title, from: day, to: day, limit: '50' })}`;
      let searchable = false;
      let givenUp = false;
      while (performance.now() - arrived < options.batchIntervalMs || !(searchable || givenUp)) {
        underIngest.push((await ask(search, paths[next++ % paths.length] as string)).ms);
        if (!searchable) {
          const found = await ask(search, probe);
          if (found.ids.includes(newest.id)) {
            searchable = true;
            toSearchable.push(performance.now() - arrived);
          }
        }
        givenUp = performance.now() - arrived > SEARCHABLE_WITHIN_MS;
      }
      const quiet = performance.now();
      while (performance.now() - quiet < options.batchIntervalMs) {
        idle.push((await ask(search, paths[next++ % paths.length] as string)).ms);
      }
    }
    const idlePercentiles = percentiles(idle);
    const busy = percentiles(underIngest);
    const searchable = percentiles(toSearchable);
    return {
      refreshMs: options.refreshMs ?? 'deployed default (2000)',
      batchIntervalMs: options.batchIntervalMs,
      indexerInvocationMs: median(invocationMs),
      bytesWrittenPerBatch: median(bytesPerBatch),
      idleP50Ms: idlePercentiles.p50,
      idleP99Ms: idlePercentiles.p99,
      underIngestP50Ms: busy.p50,
      underIngestP99Ms: busy.p99,
      ingestToSearchableP95Ms: searchable.p95,
      ingestToSearchableMedianMs: median(toSearchable),
      queriesUnderIngest: underIngest.length,
      searchableBatches: toSearchable.length,
      ratios: { p99UnderIngest: busy.p99 / idlePercentiles.p99 },
    };
  } finally {
    for (const environment of environments) await environment.close();
    for (const cleanup of cleanups) await cleanup();
    await dynamo.close();
  }
}
