import type { Article, BlobStore } from '@archive/core';
import { PartitionedIndex } from '../partitions/partitioned-index';
import type { Manifest } from '../snapshot/snapshot-manifest';
import { maxIso, type PublishOptions, publishIndex, readManifest } from './snapshot-publisher';

/** A taken-down article as a full scan reports it: only its id and tombstone version. */
export interface Tombstone {
  id: string;
  version: number;
  removed: true;
}

export type RebuildItem = Article | Tombstone;

function isTombstone(item: RebuildItem): item is Tombstone {
  return (item as Tombstone).removed === true;
}

/**
 * Builds an index from a full scan. Tombstones are optional but worth passing: they record the
 * takedown version, so a late, redelivered upsert of a taken-down article cannot resurrect it.
 */
export async function rebuildIndex(
  items: AsyncIterable<RebuildItem> | Iterable<RebuildItem>,
): Promise<PartitionedIndex> {
  const index = PartitionedIndex.empty();
  for await (const item of items) {
    if (isTombstone(item)) index.applyRemove(item.id, item.version);
    else index.applyUpsert(item);
  }
  return index;
}

export class RebuildConflictError extends Error {
  override readonly name = 'RebuildConflictError';
}

/**
 * Rebuilds from a full scan and publishes the result as the next version.
 *
 * The swap is conditional on the manifest read *before* the scan. If an indexer published
 * meanwhile, its changes may be missing from this scan, so overwriting would lose them: the
 * scan is repeated instead (when `scan` is a function that can start a new one), up to
 * `maxAttempts` times. Under constant ingest, pause the stream mapping while reindexing — the
 * stream keeps its records and the indexer catches up afterwards.
 */
export async function publishRebuild(
  store: BlobStore,
  scan: AsyncIterable<RebuildItem> | (() => AsyncIterable<RebuildItem>),
  options: PublishOptions & { maxAttempts?: number } = {},
): Promise<{ manifest: Manifest; index: PartitionedIndex; attempts: number }> {
  const maxAttempts = typeof scan === 'function' ? (options.maxAttempts ?? 3) : 1;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const base = await readManifest(store);
    let highWatermark: string | null = null;
    const tracked = async function* (items: AsyncIterable<RebuildItem>) {
      for await (const item of items) {
        if (!isTombstone(item)) highWatermark = maxIso(highWatermark, item.updatedAt);
        yield item;
      }
    };
    const index = await rebuildIndex(tracked(typeof scan === 'function' ? scan() : scan));
    const outcome = await publishIndex(
      store,
      index,
      { manifest: base?.manifest ?? null, etag: base?.etag ?? null },
      { highWatermark, ...options },
    );
    if (outcome !== 'conflict') return { manifest: outcome.manifest, index, attempts: attempt };
  }
  throw new RebuildConflictError(
    'the index was published by another writer during every rebuild attempt; pause the indexer and retry',
  );
}
