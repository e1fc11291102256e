import { type BlobStore, runInSlices } from '@archive/core';
import { ArchiveIndex } from '../documents/archive-index';
import type { PartitionedIndex } from '../partitions/partitioned-index';
import {
  decodeSnapshot,
  type EncodeOptions,
  encodeSnapshot,
  indexDefinitionFingerprint,
} from '../snapshot/snapshot-codec';
import { decodeManifest, MANIFEST_KEY, type Manifest } from '../snapshot/snapshot-manifest';
import { DEFAULT_MAX_SEGMENTS } from './merge-policy';
import { layoutForBuckets } from './partition-layout';
import { decodeSegment } from './segment-codec';
import {
  type ChangeMark,
  decodeSegmentManifest,
  decodeState,
  encodeRetiredRecord,
  encodeSegmentManifest,
  encodeState,
  type IndexStateFile,
  manifestFormat,
  newRetiredKey,
  newSegmentKey,
  newStateKey,
  refOfManifest,
  retiredBetween,
  SEGMENT_PREFIX,
  type SegmentManifest,
  segmentKeysOf,
} from './segment-manifest';
import { SegmentedIndex, type SegmentedIndexOptions, type SegmentView } from './segmented-index';

/**
 * The segmented index in the blob store: reading the pointer and state, fetching segments,
 * publishing (new segments + state + compare-and-swap of the pointer), garbage collection and
 * rollback. docs/INDEX-LIFECYCLE.md describes the layout and why each step is safe.
 */

/** The later of two ISO instants (null: unknown). */
export function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** How many publications (current included) stay loadable for rollback. */
export const DEFAULT_KEEP_VERSIONS = 5;
/** Segments fetched at once (S3 serves parallel GETs well; a local disk does not mind). */
const FETCH_CONCURRENCY = 6;
export const LEGACY_SNAPSHOT_PREFIX = 'snapshots/';

export class SegmentMissingError extends Error {
  override readonly name = 'SegmentMissingError';
}

/** The manifest as found: the segmented format, or a whole-snapshot pointer of an earlier build. */
export type Pointer =
  | { format: 2; manifest: SegmentManifest; etag: string }
  | { format: 1; manifest: Manifest; etag: string };

export function decodePointer(bytes: Uint8Array, etag: string): Pointer {
  if (manifestFormat(bytes) === 1) return { format: 1, manifest: decodeManifest(bytes), etag };
  return { format: 2, manifest: decodeSegmentManifest(bytes), etag };
}

export async function readPointer(store: BlobStore): Promise<Pointer | null> {
  const found = await store.read(MANIFEST_KEY);
  return found ? decodePointer(found.bytes, found.etag) : null;
}

export async function readState(store: BlobStore, stateKey: string): Promise<IndexStateFile> {
  const bytes = await store.get(stateKey);
  if (!bytes) throw new SegmentMissingError(`state ${stateKey} named by the manifest is missing`);
  return decodeState(bytes);
}

/** Fetches and decodes segments, a few at a time. */
export async function fetchSegments(
  store: BlobStore,
  keys: readonly string[],
): Promise<{ segments: Map<string, ArchiveIndex>; bytes: number }> {
  const segments = new Map<string, ArchiveIndex>();
  let bytes = 0;
  let next = 0;
  // A bounded pool by hand: a dependency for ten lines of queueing would cost more than it saves.
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      const blob = await store.get(key);
      if (!blob) throw new SegmentMissingError(`segment ${key} named by the state is missing`);
      bytes += blob.byteLength;
      segments.set(key, await decodeSegment(blob));
    }
  };
  await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, keys.length) }, worker));
  return { segments, bytes };
}

/** What a process loaded: the index and the publication it follows. */
export interface LoadedSegments {
  index: SegmentedIndex;
  manifest: SegmentManifest | null;
  etag: string | null;
  state: IndexStateFile | null;
  /** Set when the store held an earlier build's whole snapshot: converted in memory, unpublished. */
  legacy: Manifest | null;
}

/**
 * Loads the current publication (an empty index when none). A whole snapshot of an earlier build
 * is converted in memory (its year partitions become segments, grouped into partitions by size);
 * the indexer then publishes it as segments. Retries when a blob vanished between reading the
 * manifest and fetching it (collected after several newer publications).
 */
export async function loadSegmented(
  store: BlobStore,
  options: SegmentedIndexOptions = {},
): Promise<LoadedSegments> {
  for (let attempt = 0; ; attempt++) {
    const pointer = await readPointer(store);
    if (!pointer)
      return { index: SegmentedIndex.empty(options), manifest: null, etag: null, state: null, legacy: null };
    try {
      if (pointer.format === 1) {
        const bytes = await store.get(pointer.manifest.snapshotKey);
        if (!bytes) throw new SegmentMissingError(`snapshot ${pointer.manifest.snapshotKey} is missing`);
        const index = fromPartitioned(await decodeSnapshot(bytes), options);
        return { index, manifest: null, etag: pointer.etag, state: null, legacy: pointer.manifest };
      }
      const state = await readState(store, pointer.manifest.stateKey);
      const { segments } = await fetchSegments(store, segmentKeysOf(state));
      const index = SegmentedIndex.empty(options);
      index.followState(state, segments);
      return { index, manifest: pointer.manifest, etag: pointer.etag, state, legacy: null };
    } catch (error) {
      if (!(error instanceof SegmentMissingError) || attempt >= 3) throw error;
    }
  }
}

/**
 * A segmented index from a year-partitioned one (a whole snapshot of an earlier build, or a
 * rebuild's first pass): consecutive years grouped into partitions by size, each year's index an
 * unpublished segment of its partition.
 */
export function fromPartitioned(
  partitioned: PartitionedIndex,
  options: SegmentedIndexOptions = {},
): SegmentedIndex {
  const keys = partitioned.partitionKeys();
  const buckets = keys.map((key) => ({
    startMs: partitioned.partition(key)?.timeRange()?.firstMs ?? 0,
    count: partitioned.partition(key)?.size ?? 0,
  }));
  const { layout, partitionOfBucket } = layoutForBuckets(buckets, options.partitionTarget);
  const parts: { partition: string; index: ArchiveIndex }[] = [];
  for (const { id } of layout) {
    let group = keys
      .filter((_, i) => partitionOfBucket[i] === id)
      .map((key) => partitioned.partition(key) as ArchiveIndex);
    if (group.length > DEFAULT_MAX_SEGMENTS) {
      // Many sparse years (an archive reaching back decades): the smallest are merged into one.
      group.sort((x, y) => y.size - x.size);
      const small = group.splice(DEFAULT_MAX_SEGMENTS - 1);
      group = [...group, ArchiveIndex.merged(small)];
    }
    for (const index of group) parts.push({ partition: id, index });
  }
  const index = SegmentedIndex.fromParts(layout, parts, options);
  for (const [id, version] of partitioned.orphanRemovals()) index.applyRemove(id, version);
  return index;
}

export interface SegmentPublishOptions extends EncodeOptions {
  keepVersions?: number;
  highWatermark?: string | null;
  /** The change-log mark this publication carries (the local indexer's; left out otherwise). */
  changeMark?: ChangeMark | null;
  now?: () => Date;
}

/** A publication taken synchronously from the index: its new segments sealed, its state described. */
export interface PreparedPublication {
  segments: { view: SegmentView; raw: Uint8Array; articleCount: number }[];
  state: IndexStateFile;
  articleCount: number;
}

/**
 * Seals the index's open segments under fresh keys and describes the resulting state, so that the
 * published state holds exactly the changes applied before it (changes applied later go to new
 * open segments and new delete markers). The encoding runs in time slices, so searches go on
 * meanwhile; the caller must keep the index unchanged until this resolves (the indexer's lock).
 */
export async function preparePublication(
  index: SegmentedIndex,
  retired: IndexStateFile['retired'],
  nowMs: number,
): Promise<PreparedPublication> {
  const pending = index.pendingSegments();
  const encoded: Uint8Array[] = [];
  for (const open of pending) encoded.push(await runInSlices(open.index.serializeSteps()));
  const segments = pending.map((open, i) => ({
    raw: encoded[i] as Uint8Array,
    articleCount: open.index.size,
    view: index.seal(open.key, newSegmentKey(open.partition, nowMs), 0),
  }));
  return { segments, state: index.describe(retired), articleCount: index.size };
}

export interface PublicationOutcome {
  manifest: SegmentManifest;
  etag: string;
  state: IndexStateFile;
  /** Bytes written: new segments, the state and the manifest. */
  bytesWritten: number;
  segmentsWritten: number;
}

/**
 * The base a publication swaps against: the manifest it read, its etag, and the state that
 * manifest names (what the publication stops referencing is recorded as retired). A caller
 * without the state (a bench writing the first publication) leaves it out: nothing is retired.
 */
export interface PublicationBase {
  manifest: SegmentManifest | null;
  etag: string | null;
  state?: IndexStateFile | null;
}

/**
 * Writes a prepared publication: the new segments (compressed off the main thread), the state,
 * the retirement record of the segments the base state references and this one does not, then
 * the manifest by compare-and-swap against `base.etag`. The record comes before the swap, so a
 * retired segment is protected from the moment no current state references it; a record whose
 * swap never happened names segments that are still live, which garbage collection never deletes.
 * On conflict everything written is deleted (best effort; an orphan is collected after the grace
 * period) and `'conflict'` returned.
 */
export async function writePublication(
  store: BlobStore,
  prepared: PreparedPublication,
  base: PublicationBase,
  options: SegmentPublishOptions = {},
): Promise<PublicationOutcome | 'conflict'> {
  const now = options.now?.() ?? new Date();
  const written: string[] = [];
  let bytesWritten = 0;
  // Once the swap was attempted, a failure may hide a success (a lost response): nothing
  // written may then be deleted, or the published state could lose its segments.
  let swapAttempted = false;
  const entries = new Map(
    prepared.state.partitions.flatMap((p) => p.segments.map((s) => [s.key, s] as const)),
  );
  try {
    await Promise.all(
      prepared.segments.map(async ({ view, raw, articleCount }) => {
        const bytes = await encodeSnapshot({ raw, articleCount }, options);
        view.bytes = bytes.byteLength;
        const entry = entries.get(view.key);
        if (entry) entry.bytes = bytes.byteLength;
        await store.put(view.key, bytes);
        written.push(view.key);
        bytesWritten += bytes.byteLength;
      }),
    );
    const version = (base.manifest?.version ?? 0) + 1;
    const stateKey = newStateKey(version, now.getTime());
    const stateBytes = encodeState(prepared.state);
    await store.put(stateKey, stateBytes);
    written.push(stateKey);
    bytesWritten += stateBytes.byteLength;
    const retired = base.state ? retiredBetween(base.state, prepared.state) : [];
    if (retired.length > 0) bytesWritten += await putRetiredRecord(store, retired, version, now, written);
    const keep = options.keepVersions ?? DEFAULT_KEEP_VERSIONS;
    const manifest: SegmentManifest = {
      format: 2,
      version,
      stateKey,
      createdAt: now.toISOString(),
      articleCount: prepared.articleCount,
      definitionFingerprint: indexDefinitionFingerprint(),
      highWatermark: maxIso(options.highWatermark ?? null, base.manifest?.highWatermark ?? null),
      ...(options.changeMark === undefined ? {} : { changeMark: options.changeMark }),
      previous: base.manifest
        ? [refOfManifest(base.manifest), ...base.manifest.previous].slice(0, keep - 1)
        : [],
    };
    const manifestBytes = encodeSegmentManifest(manifest);
    swapAttempted = true;
    const etag = await swapManifest(store, manifestBytes, base.etag, stateKey);
    if (etag === false) {
      await Promise.all(written.map((key) => store.delete(key).catch(() => undefined)));
      return 'conflict';
    }
    bytesWritten += manifestBytes.byteLength;
    return { manifest, etag, state: prepared.state, bytesWritten, segmentsWritten: prepared.segments.length };
  } catch (error) {
    if (!swapAttempted) await Promise.all(written.map((key) => store.delete(key).catch(() => undefined)));
    throw error;
  }
}

/**
 * The manifest's compare-and-swap, telling our own write from another writer's: when the answer to
 * an applied write is lost, the client's retry finds the tag moved (by that write) and reports a
 * conflict, and the caller would then delete the state and segments the manifest now names (found
 * by injecting a lost response into the S3 client, test/reliability/s3-faults.test.ts). A conflict
 * is therefore checked against the manifest as it now is: naming our state (a key no other
 * publication uses), the swap happened, and its tag is returned.
 */
async function swapManifest(
  store: BlobStore,
  bytes: Uint8Array,
  expectedEtag: string | null,
  stateKey: string,
): Promise<string | false> {
  const etag = await store.writeIfMatch(MANIFEST_KEY, bytes, expectedEtag);
  if (etag !== false) return etag;
  const now = await readPointer(store);
  return now?.format === 2 && now.manifest.stateKey === stateKey ? now.etag : false;
}

/** Writes the retirement record of `keys` (noting its key in `written`); returns its bytes. */
async function putRetiredRecord(
  store: BlobStore,
  keys: string[],
  version: number,
  now: Date,
  written: string[],
): Promise<number> {
  const key = newRetiredKey(now.getTime());
  const bytes = encodeRetiredRecord({ format: 1, at: now.getTime(), version, keys });
  await store.put(key, bytes);
  written.push(key);
  return bytes.byteLength;
}

/**
 * Points the manifest at an earlier publication's state (default: the one before the current), as
 * a new publication so that loaders notice it. Its segments are still there: garbage collection
 * keeps every segment a kept state references. The state is copied under a key of the new
 * version, so that "when did each version stop being current" stays readable from the state keys
 * (collect-garbage.ts; reusing the old key made the rolled-back state look replaced long ago), and
 * what the current state references and the target does not is recorded as retired before the
 * swap, like any publication's. Changes made after that version are then missing from the index:
 * follow with a reindex (locally, a restart reconciles).
 */
export async function rollbackSegments(
  store: BlobStore,
  options: { toVersion?: number; now?: () => Date; keepVersions?: number } = {},
): Promise<SegmentManifest> {
  const pointer = await readPointer(store);
  if (!pointer) throw new Error('nothing to roll back: no manifest');
  if (pointer.format !== 2)
    throw new Error(
      'the index is still a whole snapshot of an earlier build; start the indexer once to convert it',
    );
  const { manifest } = pointer;
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
  const [state, current] = await Promise.all([
    readState(store, target.stateKey),
    readState(store, manifest.stateKey),
  ]);
  const present = new Set(await store.list(SEGMENT_PREFIX));
  const missing = segmentKeysOf(state).filter((key) => !present.has(key));
  if (missing.length > 0)
    throw new SegmentMissingError(`version ${target.version} lacks segments: ${missing.join(', ')}`);
  const now = options.now?.() ?? new Date();
  const version = manifest.version + 1;
  const stateKey = newStateKey(version, now.getTime());
  const written: string[] = [];
  // An earlier build's inline retirements, of either state, stay honoured (see segment-manifest.ts).
  await store.put(stateKey, encodeState({ ...state, retired: [...current.retired, ...state.retired] }));
  written.push(stateKey);
  const retired = retiredBetween(current, state);
  if (retired.length > 0) await putRetiredRecord(store, retired, version, now, written);
  const keep = options.keepVersions ?? DEFAULT_KEEP_VERSIONS;
  const next: SegmentManifest = {
    ...target,
    format: 2,
    version,
    stateKey,
    createdAt: now.toISOString(),
    definitionFingerprint: indexDefinitionFingerprint(),
    highWatermark: null,
    // The rolled-back state lacks later changes: the next local start must scan the store.
    changeMark: null,
    previous: [refOfManifest(manifest), ...manifest.previous].slice(0, keep - 1),
  };
  if ((await swapManifest(store, encodeSegmentManifest(next), pointer.etag, stateKey)) === false) {
    await Promise.all(written.map((key) => store.delete(key).catch(() => undefined)));
    throw new Error('the manifest changed during rollback; retry');
  }
  return next;
}

/** Test and bench helper: the index a fresh reader would load. */
export async function loadSegmentedIndex(store: BlobStore): Promise<SegmentedIndex> {
  return (await loadSegmented(store)).index;
}
