import { type Article, type ArticleDraft, contentHash } from '@archive/core';
import type { Searcher } from '@archive/search';
import {
  DEFAULT_PARTITION_PERIOD,
  decodeSnapshot,
  defaultSearchWorkers,
  encodeSnapshot,
  loadSnapshotIntoWorkers,
  PARTITION_WORKER_SCRIPT,
  PartitionedIndex,
  QueryError,
  readSnapshotHeader,
  SearchRequestError,
} from '@archive/search';
import type { SearchRequest } from './queries';

/**
 * THE production path, as the benchmark sees it: the one module to update when the product
 * changes. Everything else in bench/ is independent of how production does things.
 *
 * - build: `PartitionedIndex.applyUpsert` per article (what the indexer and `reindex` do);
 * - snapshot: `encodeSnapshot` (the blob the indexer publishes: header, checksum, brotli);
 *   raw = the index payload before compression;
 * - load: `decodeSnapshot` (what `IndexLoader` does once it has the blob: verify, decompress, decode);
 * - search: `PartitionedIndex.query` with the `GET /search` parameters (facets and snippets included);
 * - HTTP: `createApp({ search })` over the loaded index, the app the search function serves;
 * - ingest: `createLocalRuntime` with the default plugins (dynalite, ingest API, in-process indexer,
 *   search routes), as `npm start` runs it, on 127.0.0.1 with an ephemeral port.
 *
 * The cold-start child bundles this module (esbuild, `bench/children.ts`): keep heavy imports for
 * the HTTP and ingest pieces behind `await import()` inside their functions, so they are not run at
 * start-up (esbuild still inlines them, parsed but not evaluated; mark them `external` there if the
 * bundle grows heavy).
 */
/** The production side's name in the table: the index and how the search function holds it. */
export function productionName(): string {
  const workers = productionWorkers();
  return `PartitionedIndex (${DEFAULT_PARTITION_PERIOD}), ${workers > 0 ? `${workers} workers` : 'in thread'}`;
}

/** Why a section cannot run against production yet; `null` when it can. */
export const PRODUCTION_UNAVAILABLE: { http: string | null; ingest: string | null } = {
  http: null,
  ingest: null,
};

/** Caveats printed under the table and written to the JSON. */
export const PRODUCTION_NOTES: string[] = [];

/** What the search function serves: partitions in this thread or in worker threads. */
export type ProductionIndex = Searcher;

/**
 * Where partition workers come from: a bundled child passes its own file (it serves partitions
 * when started as a worker); this process, run by tsx, starts the TypeScript entry under tsx.
 */
export interface WorkerScript {
  script: URL | string;
  typescript?: boolean;
}

export function tsxWorkerScript(): WorkerScript {
  return {
    script: PARTITION_WORKER_SCRIPT,
    typescript: true,
  };
}

/**
 * Worker threads of the search function: `ARCHIVE_SEARCH_WORKERS` as the function reads it, else
 * its default (one per core when there are several). The bench's `--workers` sets the variable.
 */
export function productionWorkers(): number {
  const configured = process.env.ARCHIVE_SEARCH_WORKERS;
  return defaultSearchWorkers(configured === undefined || configured === '' ? undefined : Number(configured));
}

/** Builds the index from articles, as the indexer/reindex would. */
export function buildProductionIndex(articles: readonly Article[]): PartitionedIndex {
  const index = PartitionedIndex.empty();
  for (const article of articles) index.applyUpsert(article);
  return index;
}

/** The snapshot as written to the blob store (`stored`) and its payload's size before compression. */
export async function snapshotProduction(
  index: PartitionedIndex,
): Promise<{ rawBytes: number; stored: Uint8Array }> {
  const stored = await encodeSnapshot(index);
  return { rawBytes: readSnapshotHeader(stored).header.rawBytes, stored };
}

/** What the search function does at start: the stored bytes to a searchable index. */
export async function loadProductionSnapshot(
  stored: Uint8Array,
  worker: WorkerScript,
): Promise<ProductionIndex> {
  const workers = productionWorkers();
  return workers > 0 ? loadSnapshotIntoWorkers(stored, { workers, ...worker }) : decodeSnapshot(stored);
}

/**
 * Runs one search request (the `GET /search` parameters); returns how many results it gave.
 * A request the engine refuses (its guards) counts as no hit, as the API would answer a 400.
 */
export async function searchProduction(index: ProductionIndex, request: SearchRequest): Promise<number> {
  try {
    return (await index.query(request)).results.length;
  } catch (error) {
    if (error instanceof QueryError || error instanceof SearchRequestError) return 0;
    throw error;
  }
}

/** A fetch-style app serving `GET /search` over a loaded index (for autocannon). */
export interface FetchApp {
  fetch: (request: Request) => Response | Promise<Response>;
}

/** The production search HTTP app over a loaded index. */
export async function createProductionSearchApp(index: ProductionIndex): Promise<FetchApp> {
  const { createApp } = await import('./production-http');
  return createApp({ search: { getIndex: () => index } });
}

/** A running local API (ingest and search), for the ingest section. */
export interface IngestTarget {
  baseUrl: string;
  /** Bearer key for `POST /dispatches`. */
  ingestKey: string;
  close: () => Promise<void>;
}

/** Starts the local runtime (store, ingest API, indexer, search) with its data in `dataDir`. */
export async function startProductionRuntime(dataDir: string): Promise<IngestTarget> {
  const runtime = await openLocalRuntime(dataDir);
  const baseUrl = await runtime.listen(0, '127.0.0.1');
  return { baseUrl, ingestKey: runtime.ingestKey.key, close: () => runtime.close() };
}

/**
 * A data directory as `npm start` leaves it after importing `articles`: the local runtime with its
 * default plugins stores them (the change log and the in-process indexer included) and closes
 * cleanly, so the index under `<dataDir>/index` and its mark are what a user's would be.
 */
export async function buildLocalDataDir(dataDir: string, articles: readonly Article[]): Promise<void> {
  const runtime = await openLocalRuntime(dataDir);
  try {
    for (let start = 0; start < articles.length; start += LOCAL_IMPORT_CHUNK) {
      const drafts = articles.slice(start, start + LOCAL_IMPORT_CHUNK).map(toDraft);
      for (const outcome of await runtime.repository.putMany(drafts)) {
        if (outcome.status === 'rejected') throw outcome.reason;
      }
    }
  } finally {
    await runtime.close();
  }
}

const LOCAL_IMPORT_CHUNK = 500;

/** The local runtime with its default plugins, quiet, without the examples. */
async function openLocalRuntime(dataDir: string) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { createLocalRuntime, defaultPlugins } = await import('./production-runtime');
  return createLocalRuntime({ dataDir, importExamples: false, plugins: defaultPlugins(), log: () => {} });
}

/** The corpus leaves the content hash empty; the store needs it (unchanged re-uploads). */
export function toDraft({ version, previousHash, ingestedAt, updatedAt, ...draft }: Article): ArticleDraft {
  return { ...draft, contentHash: contentHash(draft) };
}

/**
 * `npm start` as a user runs it (npm runs package.json's `start`: the launcher that bundles the local
 * entry when a source changed, then runs it), on `dataDir`, with an ephemeral port and no example
 * import. The entry prints `listening on <url>` once it serves; npm passes SIGTERM on to it.
 */
export function localStartCommand(projectRoot: string, dataDir: string) {
  return {
    command: 'npm',
    args: ['start', '--silent'],
    cwd: projectRoot,
    env: { ...process.env, ARCHIVE_DATA_DIR: dataDir, PORT: '0', ARCHIVE_IMPORT_EXAMPLES: 'false' },
  };
}
