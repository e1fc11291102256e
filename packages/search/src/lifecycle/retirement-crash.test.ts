import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@archive/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultyBlobStore } from '../../../../test/fixtures/faulty-blob-store';
import { upsert } from '../../../../test/fixtures/lifecycle-articles';
import { RETIRED_PREFIX, SEGMENT_PREFIX } from '../segments/segment-manifest';
import { loadSegmented, readPointer } from '../segments/segment-store';
import { Indexer } from './indexer';

/**
 * Failures around the retirement record, injected in process (the SIGKILL variants are in
 * test/lifecycle.test.ts): before it, between it and the swap, and in the middle of the
 * collection that deletes it. Simulated clock; one kept version, so that retired segments are
 * protected by their record alone.
 */

const MINUTE = 60_000;
const GRACE = 15 * MINUTE;

let dir: string;
let fs: FsBlobStore;
let store: FaultyBlobStore;
let clock: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retire-'));
  fs = new FsBlobStore(dir, { durable: false });
  store = new FaultyBlobStore(fs);
  clock = Date.parse('2026-01-01T00:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let seq = 0;
const indexer = () =>
  new Indexer({
    store,
    now: () => new Date(clock),
    mergePolicy: { maxSegments: 2 },
    keepVersions: 1,
    graceMs: GRACE,
    gcIntervalMs: 0,
  });
const batch = (id: string) => [{ recordId: `r${++seq}`, change: upsert(id) }];
const isRecord = (key: string) => key.startsWith(RETIRED_PREFIX);

/** Three published segments, nothing merged yet (a partition over two segments awaits a merge). */
async function threeSegments(): Promise<string[]> {
  const writer = indexer();
  for (const id of ['a1', 'a2', 'a3']) await writer.applyChangeBatch(batch(id));
  return fs.list(SEGMENT_PREFIX);
}

async function liveIds(): Promise<string[]> {
  const { index } = await loadSegmented(fs);
  return ['a1', 'a2', 'a3', 'a4'].filter((id) => index.has(id));
}

describe('a failure around the retirement record', () => {
  it('before the record is written: the merge is not published and its inputs stay live', async () => {
    const inputs = await threeSegments();
    store.failOn('put', isRecord);
    await expect(indexer().maintain()).rejects.toThrow(/injected crash in put\(retired\//);
    expect((await readPointer(fs))?.manifest.version).toBe(3);
    expect(await fs.list(RETIRED_PREFIX)).toEqual([]);
    expect(await liveIds()).toEqual(['a1', 'a2', 'a3']);
    // The merge's output is an orphan; the next run merges again and, past the grace period,
    // collects the orphan and (their record now written) the inputs.
    const next = indexer();
    await next.maintain();
    expect(await fs.list(RETIRED_PREFIX)).toHaveLength(1);
    clock += GRACE + MINUTE;
    await next.applyChangeBatch(batch('a4'));
    await next.maintain();
    const left = await fs.list(SEGMENT_PREFIX);
    for (const key of inputs) expect(left).not.toContain(key);
    const { state } = await loadSegmented(fs);
    expect(left.sort()).toEqual(
      (state?.partitions.flatMap((p) => p.segments.map((s) => s.key)) ?? []).sort(),
    );
    expect(await liveIds()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('between the record and the swap: the record names live segments, which are never collected for it', async () => {
    const inputs = await threeSegments();
    store.failOn('writeIfMatch');
    await expect(indexer().maintain()).rejects.toThrow(/injected crash in writeIfMatch/);
    const [orphan] = await fs.list(RETIRED_PREFIX);
    expect(orphan).toBeDefined();
    expect((await readPointer(fs))?.manifest.version).toBe(3);

    // Past the grace period the orphan record names segments the current state still uses:
    // collection keeps them, and drops the record.
    clock += GRACE + MINUTE;
    const next = indexer();
    await next.applyChangeBatch(batch('a4'));
    await next.maintain(); // merges (a new record) and collects
    const records = await fs.list(RETIRED_PREFIX);
    expect(records).not.toContain(orphan);
    expect(records).toHaveLength(1);
    // The inputs were retired again just now: the new record protects them, the old one does not
    // count (the latest retirement does).
    const present = await fs.list(SEGMENT_PREFIX);
    for (const key of inputs) expect(present).toContain(key);
    expect(await liveIds()).toEqual(['a1', 'a2', 'a3', 'a4']);
    clock += GRACE + MINUTE;
    await next.maintain();
    const left = await fs.list(SEGMENT_PREFIX);
    for (const key of inputs) expect(left).not.toContain(key);
    expect(await fs.list(RETIRED_PREFIX)).toEqual([]);
  });

  it('in the middle of a collection: the next one finishes it', async () => {
    const inputs = await threeSegments();
    const writer = indexer();
    await writer.maintain();
    clock += GRACE + MINUTE;
    store.failOn('delete', isRecord);
    // The collection deletes the merged-away segments, then fails on the record (the indexer
    // reports no garbage rather than failing: collection is best effort).
    await writer.maintain();
    const present = await fs.list(SEGMENT_PREFIX);
    for (const key of inputs) expect(present).not.toContain(key);
    expect(await fs.list(RETIRED_PREFIX)).toHaveLength(1);
    clock += MINUTE;
    await writer.maintain();
    expect(await fs.list(RETIRED_PREFIX)).toEqual([]);
    expect(await liveIds()).toEqual(['a1', 'a2', 'a3']);
  });

  it('a record that cannot be read stops the collection: nothing is deleted on a guess', async () => {
    const inputs = await threeSegments();
    clock += 2 * GRACE; // the inputs are old: once merged away, only their record protects them
    await indexer().maintain(); // merges them away and records it
    clock += MINUTE;
    const fresh = indexer(); // a new process, which has not read the record yet
    store.failOn('get', isRecord);
    await fresh.applyChangeBatch(batch('a4'));
    await fresh.maintain();
    const present = await fs.list(SEGMENT_PREFIX);
    for (const key of inputs) expect(present).toContain(key);
    expect(await liveIds()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });
});
