import type { Article, BlobStore } from '@archive/core';
import { PartitionedIndex } from '../partitions/partitioned-index';
import { DEFAULT_GRACE_MS, keptRetired } from '../segments/garbage';
import type { SegmentManifest } from '../segments/segment-manifest';
import {
  fromPartitioned,
  maxIso,
  preparePublication,
  readPointer,
  readState,
  type SegmentPublishOptions,
  writePublication,
} from '../segments/segment-store';
import type { SegmentedIndex, SegmentedIndexOptions } from '../segments/segmented-index';

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
 * Builds an index from a full scan: a compact set of unpublished segments, one per year of
 * publication at most (years grouped into partitions by size, a partition's smallest years merged
 * when it would hold more segments than the merge policy allows). Tombstones are optional but
 * worth passing: they record the takedown version, so a late, redelivered upsert of a taken-down
 * article cannot resurrect it.
 */
export async function rebuildIndex(
  items: AsyncIterable<RebuildItem> | Iterable<RebuildItem>,
  options: SegmentedIndexOptions = {},
): Promise<SegmentedIndex> {
  const years = PartitionedIndex.empty('year');
  for await (const item of items) {
    if (isTombstone(item)) years.applyRemove(item.id, item.version);
    else years.applyUpsert(item);
  }
  return fromPartitioned(years, options);
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
  options: SegmentPublishOptions & SegmentedIndexOptions & { maxAttempts?: number } = {},
): Promise<{ manifest: SegmentManifest; index: SegmentedIndex; attempts: number }> {
  const maxAttempts = typeof scan === 'function' ? (options.maxAttempts ?? 3) : 1;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const pointer = await readPointer(store);
    // What the rebuild replaces is recorded as retired when it is published (writePublication
    // compares the states), so it is collected after the grace period; an earlier build's inline
    // retirements in the current state stay honoured until theirs is over.
    const at = options.now?.().getTime() ?? Date.now();
    const state = pointer?.format === 2 ? await readState(store, pointer.manifest.stateKey) : null;
    const retired = state ? keptRetired(state.retired, at, DEFAULT_GRACE_MS) : [];
    let highWatermark: string | null = null;
    const tracked = async function* (items: AsyncIterable<RebuildItem>) {
      for await (const item of items) {
        if (!isTombstone(item)) highWatermark = maxIso(highWatermark, item.updatedAt);
        yield item;
      }
    };
    const index = await rebuildIndex(tracked(typeof scan === 'function' ? scan() : scan), options);
    const outcome = await writePublication(
      store,
      await preparePublication(index, retired, at),
      { manifest: pointer?.format === 2 ? pointer.manifest : null, etag: pointer?.etag ?? null, state },
      { highWatermark, ...options },
    );
    if (outcome !== 'conflict') return { manifest: outcome.manifest, index, attempts: attempt };
  }
  throw new RebuildConflictError(
    'the index was published by another writer during every rebuild attempt; pause the indexer and retry',
  );
}
