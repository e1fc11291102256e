import type { BlobStore } from '@archive/core';
import { PartitionedIndex } from '../partitions/partitioned-index';
import {
  decodeSnapshot,
  type EncodeOptions,
  encodeSnapshot,
  readSnapshotHeader,
  type SerializedIndex,
} from '../snapshot/snapshot-codec';
import {
  decodeManifest,
  encodeManifest,
  MANIFEST_KEY,
  type Manifest,
  newSnapshotKey,
  refOf,
  SNAPSHOT_PREFIX,
  versionOfSnapshotKey,
} from '../snapshot/snapshot-manifest';

/** How many publications (current included) stay loadable for rollback. */
export const DEFAULT_KEEP_VERSIONS = 5;

/** The published state as one reader saw it: the manifest, its tag, and the decoded snapshot. */
export interface PublishedIndex<T = PartitionedIndex> {
  index: T;
  manifest: Manifest | null;
  etag: string | null;
}

export interface PublishOptions extends EncodeOptions {
  keepVersions?: number;
  highWatermark?: string | null;
  now?: () => Date;
}

export class SnapshotMissingError extends Error {
  override readonly name = 'SnapshotMissingError';
}

/** Reads the manifest and the snapshot it names. With no manifest yet, returns null. */
export async function readManifest(store: BlobStore): Promise<{ manifest: Manifest; etag: string } | null> {
  const current = await store.read(MANIFEST_KEY);
  return current ? { manifest: decodeManifest(current.bytes), etag: current.etag } : null;
}

/** Fetches and decodes the snapshot a manifest names. */
export async function loadSnapshotOf<T = PartitionedIndex>(
  store: BlobStore,
  manifest: Manifest,
  decode: (bytes: Uint8Array) => Promise<T> = decodeSnapshot as (bytes: Uint8Array) => Promise<T>,
): Promise<T> {
  const bytes = await store.get(manifest.snapshotKey);
  if (!bytes)
    throw new SnapshotMissingError(`snapshot ${manifest.snapshotKey} named by the manifest is missing`);
  return decode(bytes);
}

/**
 * Loads the current published index (an empty one when nothing was published yet). Retries when
 * the snapshot vanished between reading the manifest and fetching it (pruned by a newer
 * publication), which only happens when several publications overtook this reader.
 */
export async function loadPublished<T = PartitionedIndex>(
  store: BlobStore,
  emptyIndex: () => T,
  decode?: (bytes: Uint8Array) => Promise<T>,
): Promise<PublishedIndex<T>> {
  for (let attempt = 0; ; attempt++) {
    const current = await readManifest(store);
    if (!current) return { index: emptyIndex(), manifest: null, etag: null };
    try {
      return { index: await loadSnapshotOf(store, current.manifest, decode), ...current };
    } catch (error) {
      if (!(error instanceof SnapshotMissingError) || attempt >= 3) throw error;
    }
  }
}

/**
 * Publishes `index` as the successor of `base`: writes an immutable snapshot blob under a fresh
 * key, then swaps the manifest by compare-and-swap against `base.etag`. On conflict the blob is
 * deleted (best effort; an orphan is harmless and pruned later) and `'conflict'` is returned
 * so the caller can rebase its changes on the newer publication.
 */
export async function publishIndex(
  store: BlobStore,
  index: PartitionedIndex | SerializedIndex,
  base: { manifest: Manifest | null; etag: string | null },
  options: PublishOptions = {},
): Promise<{ manifest: Manifest; etag: string } | 'conflict'> {
  const keep = options.keepVersions ?? DEFAULT_KEEP_VERSIONS;
  const version = (base.manifest?.version ?? 0) + 1;
  const snapshotKey = newSnapshotKey(version);
  const bytes = await encodeSnapshot(index, options);
  await store.put(snapshotKey, bytes);
  const manifest: Manifest = {
    format: 1,
    version,
    snapshotKey,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    articleCount: index instanceof PartitionedIndex ? index.size : index.articleCount,
    definitionFingerprint: readSnapshotHeader(bytes).header.definitionFingerprint,
    highWatermark: maxIso(options.highWatermark ?? null, base.manifest?.highWatermark ?? null),
    previous: base.manifest ? [refOf(base.manifest), ...base.manifest.previous].slice(0, keep - 1) : [],
  };
  const etag = await store.writeIfMatch(MANIFEST_KEY, encodeManifest(manifest), base.etag);
  if (etag === false) {
    await store.delete(snapshotKey).catch(() => undefined);
    return 'conflict';
  }
  await pruneSnapshots(store, manifest).catch(() => undefined);
  return { manifest, etag };
}

/**
 * Deletes snapshot blobs older than every publication the manifest still references.
 * Only strictly older keys go: a racing indexer's blob always carries a version above the
 * current one (or its swap is bound to fail), so it is never deleted from under it.
 */
export async function pruneSnapshots(store: BlobStore, manifest: Manifest): Promise<string[]> {
  const keptVersions = [manifest, ...manifest.previous]
    .map((ref) => versionOfSnapshotKey(ref.snapshotKey))
    .filter((v): v is number => v !== null);
  if (keptVersions.length === 0) return [];
  const oldestKept = Math.min(...keptVersions);
  const doomed = (await store.list(SNAPSHOT_PREFIX)).filter((key) => {
    const v = versionOfSnapshotKey(key);
    return v !== null && v < oldestKept;
  });
  for (const key of doomed) await store.delete(key);
  return doomed;
}

/**
 * Points the manifest at an earlier publication (default: the one before the current), as a new
 * publication so that loaders notice it. The index then lacks the changes made after that
 * version; run a reindex (or, locally, restart so the indexer reconciles) to bring them back.
 */
export async function rollback(
  store: BlobStore,
  options: { toVersion?: number; now?: () => Date; keepVersions?: number } = {},
): Promise<Manifest> {
  const current = await readManifest(store);
  if (!current) throw new Error('nothing to roll back: no manifest');
  const { manifest } = current;
  const target =
    options.toVersion === undefined
      ? manifest.previous[0]
      : manifest.previous.find((ref) => ref.version === options.toVersion);
  if (!target) {
    const kept = manifest.previous.map((ref) => ref.version).join(', ') || 'none';
    throw new Error(
      `cannot roll back to ${options.toVersion ?? 'the previous version'}; kept versions: ${kept}`,
    );
  }
  const bytes = await store.get(target.snapshotKey);
  if (!bytes) throw new SnapshotMissingError(`snapshot ${target.snapshotKey} is gone`);
  await decodeSnapshot(bytes); // refuse to point readers at a snapshot this build cannot load
  const keep = options.keepVersions ?? DEFAULT_KEEP_VERSIONS;
  const next: Manifest = {
    format: 1,
    version: manifest.version + 1,
    snapshotKey: target.snapshotKey,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    articleCount: target.articleCount,
    definitionFingerprint: readSnapshotHeader(bytes).header.definitionFingerprint,
    highWatermark: null,
    previous: [refOf(manifest), ...manifest.previous].slice(0, keep - 1),
  };
  if ((await store.writeIfMatch(MANIFEST_KEY, encodeManifest(next), current.etag)) === false) {
    throw new Error('the manifest changed during rollback; retry');
  }
  return next;
}

export function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
