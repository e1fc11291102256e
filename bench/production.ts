import type { Article } from '../packages/core/src/article';
import { ArchiveIndex } from '../packages/search/src/archive-index';
import { decodeSnapshot, encodeSnapshot, readSnapshotHeader } from '../packages/search/src/snapshot-codec';
import type { SearchRequest } from './queries';

/**
 * THE production path, as the benchmark sees it: the one module to update when the search engine,
 * the snapshot life cycle and the local runtime land on main. Everything else in bench/ is
 * independent of how production does things.
 *
 * Current state: the first-cut `ArchiveIndex` of main (JSON payload, words-only `search(q)`) in
 * the life cycle's snapshot file (`snapshot-codec.ts`: header, checksum, brotli).
 * - build: `applyUpsert` per article;
 * - snapshot: `encodeSnapshot` (the blob the indexer publishes); raw = the payload before compression;
 * - load: `decodeSnapshot` (what `IndexLoader` does once it has the blob: verify, decompress, decode);
 * - search: `search(q, limit)`; the first cut ignores `from`/`to`/`sort`, has no facets/snippets,
 *   and reads `stem*` / `word~` as plain words, so its prefix/fuzzy/date/newest figures are NOT
 *   comparable with the baseline's (see {@link PRODUCTION_NOTES});
 * - HTTP and ingest: not on main yet, reported as unavailable.
 *
 * The cold-start child bundles this module (esbuild, `bench/children.ts`): keep heavy imports for
 * the HTTP and ingest pieces behind `await import()` inside their functions, so they are not run at
 * start-up (esbuild still inlines them, parsed but not evaluated; mark them `external` there if the
 * bundle grows heavy).
 */
export const PRODUCTION_NAME = 'ArchiveIndex first cut + snapshot-codec';

/** Why a section cannot run against production yet; `null` when it can. */
export const PRODUCTION_UNAVAILABLE: { http: string | null; ingest: string | null } = {
  http: 'not available: registerSearchRoutes (GET /search) is not on main yet',
  ingest: 'not available: createLocalRuntime (POST /dispatches + indexer) is not on main yet',
};

/** Caveats printed under the table and written to the JSON. */
export const PRODUCTION_NOTES: string[] = [
  'first cut: from/to/sort ignored; no facets, no snippets; `stem*` and `word~` searched as plain words',
];

export type ProductionIndex = ArchiveIndex;

/** Builds the index from articles, as the indexer/reindex would. */
export function buildProductionIndex(articles: readonly Article[]): ProductionIndex {
  const index = ArchiveIndex.empty();
  for (const article of articles) index.applyUpsert(article);
  return index;
}

/** The snapshot as written to the blob store (`stored`) and its payload's size before compression. */
export async function snapshotProduction(
  index: ProductionIndex,
): Promise<{ rawBytes: number; stored: Uint8Array }> {
  const stored = await encodeSnapshot(index);
  return { rawBytes: readSnapshotHeader(stored).header.rawBytes, stored };
}

/** What the search function does at start: the stored bytes to a searchable index. */
export async function loadProductionSnapshot(stored: Uint8Array): Promise<ProductionIndex> {
  return decodeSnapshot(stored);
}

/** Runs one search request (the `GET /search` parameters); returns how many results it gave. */
export function searchProduction(index: ProductionIndex, request: SearchRequest): number {
  return index.search(request.q, request.limit).length;
}

/** A fetch-style app serving `GET /search` over a loaded index (for autocannon). */
export interface FetchApp {
  fetch: (request: Request) => Response | Promise<Response>;
}

/** The production search HTTP app; only called when {@link PRODUCTION_UNAVAILABLE}.http is null. */
export async function createProductionSearchApp(_index: ProductionIndex): Promise<FetchApp> {
  // Plug in: `const { Hono } = await import('hono'); const { registerSearchRoutes } = await import(...)`.
  throw new Error(PRODUCTION_UNAVAILABLE.http ?? 'createProductionSearchApp is not wired');
}

/** A running local API (ingest and search), for the ingest section. */
export interface IngestTarget {
  baseUrl: string;
  /** Bearer key for `POST /dispatches`. */
  ingestKey: string;
  close: () => Promise<void>;
}

/**
 * Starts the local runtime (store, ingest API, indexer, search) on 127.0.0.1 with an ephemeral port
 * and its data in `dataDir`; only called when {@link PRODUCTION_UNAVAILABLE}.ingest is null.
 */
export async function startProductionRuntime(_dataDir: string): Promise<IngestTarget> {
  // Plug in: `const { createLocalRuntime } = await import('../packages/local/src/...')`, with
  // ARCHIVE_IMPORT_EXAMPLES off, port 0, and the ingest key it generated or was given.
  throw new Error(PRODUCTION_UNAVAILABLE.ingest ?? 'startProductionRuntime is not wired');
}
