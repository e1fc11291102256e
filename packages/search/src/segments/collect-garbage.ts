import type { BlobStore } from '@archive/core';
import { DEFAULT_GRACE_MS, garbageKeys } from './garbage';
import {
  createdMsOfKey,
  decodeRetiredRecord,
  type IndexStateFile,
  RETIRED_PREFIX,
  refOfManifest,
  SEGMENT_PREFIX,
  type SegmentManifest,
  STATE_PREFIX,
  segmentKeysOf,
  versionOfStateKey,
} from './segment-manifest';
import { LEGACY_SNAPSHOT_PREFIX, readState } from './segment-store';

/**
 * Garbage collection of the segmented index (docs/INDEX-LIFECYCLE.md, "Garbage collection"): which
 * blobs may go is garbage.ts's rule; this gathers its inputs from the store and deletes.
 *
 * When each segment was retired comes from the retirement records under `retired/`, one per
 * publication that stopped referencing segments, written before its compare-and-swap. States used to
 * carry that list themselves, every segment retired in the last 15 minutes, so under a bulk import
 * (a batch every few seconds) each state listed thousands and that list was rewritten with every
 * batch: 279 KB per state, write amplification 36 growing an archive to 100k on the wall clock. A
 * record is written once, and the state's size no longer depends on the pace of ingest.
 */

/** Records already read, by key: they are immutable, so a process reads each once. */
export type RetiredRecordCache = Map<string, { at: number; keys: readonly string[] }>;

export interface CollectOptions {
  nowMs?: number;
  graceMs?: number;
  /** Kept across runs by the caller (the indexer), so each run reads only the records new since. */
  records?: RetiredRecordCache;
}

/**
 * When each listed state version stopped being the current one: when the next version was written
 * (the latest of that version's keys, should a lost swap have written one too). Readers follow only
 * the current state (a rollback reads kept ones, which are never collected, and writes a copy under
 * its own version), so a state out of the rollback window is unneeded since then. Counting from when
 * the oldest kept state was written instead, as this did before, never collected a state while
 * batches kept coming more often than every grace period ÷ 4: under steady ingest every state
 * stayed (10,203 state blobs, 1.6 GB, after growing an archive to 84k articles in batches of 10).
 */
function replacementTimes(stateKeys: readonly string[]): Map<number, number> {
  const writtenAt = new Map<number, number>();
  for (const key of stateKeys) {
    const version = versionOfStateKey(key);
    const ms = createdMsOfKey(key);
    if (version === null || ms === null) continue;
    writtenAt.set(version, Math.max(writtenAt.get(version) ?? ms, ms));
  }
  const versions = [...writtenAt.keys()].sort((a, b) => a - b);
  const replacedAt = new Map<number, number>();
  for (let i = 0; i + 1 < versions.length; i++) {
    replacedAt.set(versions[i] as number, writtenAt.get(versions[i + 1] as number) as number);
  }
  return replacedAt;
}

/** Records read at once: a fresh process reads the whole grace period's (hundreds under a bulk import). */
const READ_CONCURRENCY = 8;

/**
 * Reads the records still within the grace period (from the cache when it has them) and notes, for
 * every segment they name, the latest time it was retired. A record past the grace period is not
 * read: whatever it names was retired longer ago than the grace period, and the rule's fallback (the
 * segment's own creation time, earlier still) dooms it just the same. Throws when a record cannot
 * be read: without it a segment in its grace period could look like an old orphan.
 */
async function noteRetirements(
  store: BlobStore,
  recordKeys: readonly string[],
  retiredAt: Map<string, number>,
  cache: RetiredRecordCache,
  nowMs: number,
  graceMs: number,
): Promise<string[]> {
  const expired: string[] = [];
  const unread: string[] = [];
  for (const key of recordKeys) {
    const stamped = createdMsOfKey(key);
    if (stamped === null) continue; // not a key this build makes: never read, never deleted
    if (nowMs - stamped > graceMs) expired.push(key);
    else if (!cache.has(key)) unread.push(key);
  }
  let next = 0;
  // A bounded pool by hand, as fetchSegments does: S3 answers one GET in tens of milliseconds.
  const worker = async () => {
    while (next < unread.length) {
      const key = unread[next++] as string;
      const bytes = await store.get(key);
      // Gone since the listing: another collector found it past the grace period.
      if (!bytes) continue;
      const { at, keys } = decodeRetiredRecord(bytes);
      cache.set(key, { at, keys });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, unread.length) }, worker));
  const past = new Set(expired);
  for (const key of recordKeys) {
    const record = past.has(key) ? undefined : cache.get(key);
    if (!record) continue;
    for (const segment of record.keys) {
      retiredAt.set(segment, Math.max(retiredAt.get(segment) ?? record.at, record.at));
    }
  }
  return expired;
}

/**
 * Deletes the blobs the garbage rule (garbage.ts) allows: unreferenced by every kept state, and
 * unneeded for longer than the grace period. A merged-away segment counts as unneeded since the
 * latest record retiring it (or an earlier build's inline list in the current state); a state that
 * fell out of the rollback window since the next version was written ({@link replacementTimes});
 * whole snapshots of an earlier build since the oldest kept state was written. Records past the
 * grace period are deleted last, after the segments they name: a run killed in between leaves
 * segments the next run dooms by their creation time.
 */
export async function collectGarbage(
  store: BlobStore,
  manifest: SegmentManifest,
  state: IndexStateFile,
  options: CollectOptions = {},
): Promise<string[]> {
  const nowMs = options.nowMs ?? Date.now();
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const kept = [refOfManifest(manifest), ...manifest.previous];
  const referenced = new Set<string>(kept.map((ref) => ref.stateKey));
  for (const ref of kept) {
    const keptState =
      ref.stateKey === manifest.stateKey ? state : await readState(store, ref.stateKey).catch(() => null);
    if (!keptState) return []; // cannot tell what a kept state needs: collect nothing this time
    for (const key of segmentKeysOf(keptState)) referenced.add(key);
  }
  const oldestKept = kept.at(-1) as (typeof kept)[number];
  const oldestKeptMs = createdMsOfKey(oldestKept.stateKey);
  // An earlier build's inline list (carried until its entries are past the grace period).
  const retiredAt = new Map(state.retired.map((entry) => [entry.key, entry.at] as const));
  const [segments, states, snapshots, records] = await Promise.all([
    store.list(SEGMENT_PREFIX),
    store.list(STATE_PREFIX),
    store.list(LEGACY_SNAPSHOT_PREFIX),
    store.list(RETIRED_PREFIX),
  ]);
  const cache = options.records ?? new Map();
  const expired = await noteRetirements(store, records, retiredAt, cache, nowMs, graceMs);
  // Forget what is gone or about to go, so the cache holds only the grace period's records.
  const current = new Set(records);
  for (const key of expired) current.delete(key);
  for (const key of cache.keys()) if (!current.has(key)) cache.delete(key);
  if (oldestKeptMs !== null) {
    const replacedAt = replacementTimes(states);
    for (const key of states) {
      const version = versionOfStateKey(key);
      if (version !== null && version < oldestKept.version)
        retiredAt.set(key, replacedAt.get(version) ?? oldestKeptMs);
    }
    for (const key of snapshots) retiredAt.set(key, oldestKeptMs);
  }
  const doomed = garbageKeys({
    listed: [...segments, ...states, ...snapshots],
    referenced,
    retiredAt,
    nowMs,
    graceMs,
  });
  for (const key of doomed) await store.delete(key);
  for (const key of expired) await store.delete(key);
  return [...doomed, ...expired];
}
