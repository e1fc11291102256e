import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@archive/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultyBlobStore } from '../../../../test/fixtures/faulty-blob-store';
import { makeArticle, remove, upsert } from '../../../../test/fixtures/lifecycle-articles';
import { PartitionedIndex } from '../partitions/partitioned-index';
import { SEGMENT_PREFIX } from '../segments/segment-manifest';
import { loadSegmentedIndex, readPointer, rollbackSegments } from '../segments/segment-store';
import type { SegmentedIndex } from '../segments/segmented-index';
import { encodeSnapshot } from '../snapshot/snapshot-codec';
import { encodeManifest } from '../snapshot/snapshot-manifest';
import { IndexLoader } from './index-loader';
import { type ChangeItem, Indexer } from './indexer';

let dir: string;
let fs: FsBlobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'indexer-'));
  fs = new FsBlobStore(dir, { durable: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let seq = 0;
const item = (change: ChangeItem['change']): ChangeItem => ({ recordId: `r${++seq}`, change });
const published = () => loadSegmentedIndex(fs);
const readManifest = readPointer;
const rollback = rollbackSegments;
const ids = (index: SegmentedIndex, candidates: string[]) => candidates.filter((id) => index.has(id));

describe('Indexer.applyChangeBatch', () => {
  it('adds, replaces and removes, and publishes one version per batch', async () => {
    const indexer = new Indexer({ store: fs });
    const r1 = await indexer.applyChangeBatch([item(upsert('a1')), item(upsert('a2')), item(upsert('a3'))]);
    expect(r1).toMatchObject({ applied: 3, skipped: 0, batchItemFailures: [], published: { version: 1 } });
    const r2 = await indexer.applyChangeBatch([item(upsert('a1', 2)), item(remove('a2', 2))]);
    expect(r2.published?.version).toBe(2);
    const index = await published();
    expect(ids(index, ['a1', 'a2', 'a3'])).toEqual(['a1', 'a3']);
    expect(index.versionOf('a1')).toBe(2);
    expect(index.search('version2').map((h) => h.id)).toEqual(['a1']);
  });

  it('is idempotent under redelivery: a replayed batch changes nothing and publishes nothing', async () => {
    const indexer = new Indexer({ store: fs });
    const batch = [item(upsert('a1')), item(upsert('a2')), item(remove('a2', 2))];
    await indexer.applyChangeBatch(batch);
    const again = await indexer.applyChangeBatch(batch);
    expect(again).toMatchObject({ applied: 0, skipped: 3, published: null });
    // A fresh indexer (another Lambda container) replaying it also converges.
    const other = await new Indexer({ store: fs }).applyChangeBatch(batch);
    expect(other.applied).toBe(0);
    expect(ids(await published(), ['a1', 'a2'])).toEqual(['a1']);
  });

  it('respects per-article order by version whatever the delivery order', async () => {
    const changes = [
      upsert('a1'),
      upsert('a1', 2),
      remove('a1', 3),
      upsert('b1'),
      upsert('b1', 2),
      upsert('c1'),
    ];
    const orders = [
      changes,
      [...changes].reverse(),
      [changes[2], changes[0], changes[4], changes[1], changes[5], changes[3]],
    ];
    for (const [n, order] of orders.entries()) {
      const store = new FsBlobStore(join(dir, `o${n}`), { durable: false });
      const indexer = new Indexer({ store });
      // One record per batch: the hardest interleaving for a stateful consumer.
      for (const change of order) await indexer.applyChangeBatch([item(change as ChangeItem['change'])]);
      const index = await loadSegmentedIndex(store);
      expect(ids(index, ['a1', 'b1', 'c1'])).toEqual(['b1', 'c1']);
      expect([index.versionOf('a1'), index.versionOf('b1')]).toEqual([3, 2]);
    }
  });

  it('reports poison records by id and applies the rest', async () => {
    const indexer = new Indexer({ store: fs });
    const undecodable = item(new Error('cannot decode NewImage'));
    const mismatched = item({ kind: 'upsert', id: 'x1', version: 1, article: makeArticle('other', 1) });
    const badVersion = item({ kind: 'remove', id: 'x2', version: 0 });
    const result = await indexer.applyChangeBatch([
      item(upsert('a1')),
      undecodable,
      mismatched,
      item(upsert('a2')),
      badVersion,
    ]);
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: undecodable.recordId },
      { itemIdentifier: mismatched.recordId },
      { itemIdentifier: badVersion.recordId },
    ]);
    expect(result.applied).toBe(2);
    expect(ids(await published(), ['a1', 'a2', 'x1', 'other'])).toEqual(['a1', 'a2']);
  });

  it('keeps the snapshot cached while the manifest is unchanged (one conditional read per batch)', async () => {
    const store = new FaultyBlobStore(fs);
    const indexer = new Indexer({ store });
    await indexer.applyChangeBatch([item(upsert('a1'))]);
    const getsBefore = store.calls.get;
    await indexer.applyChangeBatch([item(upsert('a2'))]);
    await indexer.applyChangeBatch([item(upsert('a3'))]);
    expect(store.calls.get).toBe(getsBefore); // no snapshot downloads
    expect(store.calls.readIfChanged).toBeGreaterThanOrEqual(2);
  });

  it('two indexers racing on one store both land their changes (CAS, rebase, retry)', async () => {
    const one = new Indexer({ store: fs });
    const two = new Indexer({ store: fs });
    await one.applyChangeBatch([item(upsert('seed'))]);
    await two.applyChangeBatch([item(upsert('seed2'))]); // both now cache a snapshot
    const batches = Array.from({ length: 6 }, (_, i) => [
      one.applyChangeBatch([item(upsert(`one${i}`)), item(upsert('shared', 2 * i + 1))]),
      two.applyChangeBatch([item(upsert(`two${i}`)), item(upsert('shared', 2 * i + 2))]),
    ]).flat();
    const results = await Promise.all(batches);
    const index = await published();
    const expected = ['seed', 'seed2', ...Array.from({ length: 6 }, (_, i) => [`one${i}`, `two${i}`]).flat()];
    expect(ids(index, expected)).toEqual(expected);
    expect(index.versionOf('shared')).toBe(12);
    expect(results.every((r) => r.published !== null)).toBe(true);
  });

  it('a writer that loses the swap rebases on the newer snapshot and retries', async () => {
    const two = new Indexer({ store: fs });
    let interleaved = false;
    // Fault injection: just before `one` swaps the manifest, `two` publishes.
    const racy = Object.assign(Object.create(fs) as FsBlobStore, {
      writeIfMatch: async (key: string, bytes: Uint8Array, expected: string | null) => {
        if (!interleaved) {
          interleaved = true;
          await two.applyChangeBatch([item(upsert('b1'))]);
        }
        return fs.writeIfMatch(key, bytes, expected);
      },
    });
    const one = new Indexer({ store: racy });
    const result = await one.applyChangeBatch([item(upsert('a1'))]);
    expect(result.published).toMatchObject({ version: 2, attempts: 2 });
    expect(ids(await published(), ['a1', 'b1'])).toEqual(['a1', 'b1']);
    expect((await fs.list(SEGMENT_PREFIX)).length).toBe(2); // the loser deleted its orphan
  });

  it('a crash between snapshot write and manifest swap loses nothing: the redelivery converges', async () => {
    const store = new FaultyBlobStore(fs);
    await new Indexer({ store }).applyChangeBatch([item(upsert('a1'))]);
    const crashing = new Indexer({ store });
    store.failOn('writeIfMatch');
    const batch = [item(upsert('a2')), item(remove('a1', 2))];
    await expect(crashing.applyChangeBatch(batch)).rejects.toThrow(/injected crash/);
    // Old pointer, orphan segment: readers still see version 1.
    expect((await readManifest(fs))?.manifest.version).toBe(1);
    expect((await fs.list(SEGMENT_PREFIX)).length).toBe(2);
    expect(ids(await published(), ['a1', 'a2'])).toEqual(['a1']);
    // The stream redelivers the batch, to a new container...
    const result = await new Indexer({ store }).applyChangeBatch(batch);
    expect(result.published?.version).toBe(2);
    expect(ids(await published(), ['a1', 'a2'])).toEqual(['a2']);
    // ...and the crashed one, if it lives on, publishes its leftovers harmlessly.
    await crashing.applyChangeBatch(batch);
    expect(ids(await published(), ['a1', 'a2'])).toEqual(['a2']);
  });

  it('a crash while writing the snapshot blob leaves the store untouched', async () => {
    const store = new FaultyBlobStore(fs);
    const indexer = new Indexer({ store });
    store.failOn('put');
    await expect(indexer.applyChangeBatch([item(upsert('a1'))])).rejects.toThrow(/injected/);
    expect(await readManifest(fs)).toBeNull();
    await indexer.applyChangeBatch([item(upsert('a1'))]); // redelivery: skipped in memory but still unpublished
    expect(ids(await published(), ['a1'])).toEqual(['a1']);
  });

  it('collects states out of the rollback window under steady ingest, once replaced for longer than the grace period', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const minute = 60_000;
    const indexer = new Indexer({
      store: fs,
      now: () => new Date(clock),
      graceMs: 15 * minute,
      gcIntervalMs: 0,
    });
    for (let i = 1; i <= 40; i++) {
      await indexer.applyChangeBatch([item(upsert(`g${i}`))]);
      await indexer.maintain();
      clock += minute; // a batch a minute, never a quiet quarter of an hour
    }
    const versions = (await fs.list('states/'))
      .map((key) => Number(key.slice('states/'.length, 19)))
      .sort((a, b) => a - b);
    // Left: states replaced less than 15 minutes ago (the kept five among them), none older. (Merges
    // publish too, so there are more versions than batches.)
    const newest = versions.at(-1) ?? 0;
    expect(newest).toBeGreaterThanOrEqual(40);
    expect(versions.length).toBeLessThan(20);
    expect(versions[0]).toBeGreaterThan(newest - 20);
    // What is kept still rolls back and loads.
    await rollback(fs);
    expect((await published()).size).toBeGreaterThanOrEqual(39);
  });

  it('keeps the last five versions and rolls back', async () => {
    const indexer = new Indexer({ store: fs });
    for (let i = 1; i <= 8; i++) await indexer.applyChangeBatch([item(upsert(`a${i}`))]);
    const current = (await readManifest(fs))?.manifest;
    expect(current?.version).toBe(8);
    expect(current?.previous.map((p) => p.version)).toEqual([7, 6, 5, 4]);

    const rolled = await rollback(fs);
    expect(rolled).toMatchObject({ version: 9, articleCount: 7 });
    expect(ids(await published(), ['a7', 'a8'])).toEqual(['a7']);
    const toFive = await rollback(fs, { toVersion: 5 });
    expect(toFive.articleCount).toBe(5);
    await expect(rollback(fs, { toVersion: 1 })).rejects.toThrow(/kept versions/);
    // The indexer notices the rollback and builds on it.
    await indexer.applyChangeBatch([item(upsert('a9'))]);
    expect(ids(await published(), ['a5', 'a6', 'a9'])).toEqual(['a5', 'a9']);
  });
});

describe('Indexer.publish beside changes', () => {
  /** A store whose snapshot writes wait until the test opens the gate. */
  function gatedStore() {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let writing = false;
    const store = Object.create(fs) as FsBlobStore;
    store.put = async (key, bytes) => {
      writing = true;
      await gate;
      return fs.put(key, bytes);
    };
    return { store, open, isWriting: () => writing };
  }

  it('applies batches while a snapshot is being written, and publishes them next time', async () => {
    const { store, open, isWriting } = gatedStore();
    const indexer = new Indexer({ store });
    await indexer.applyChangeBatch([item(upsert('a1'))], { publish: false });
    const first = indexer.publish();
    while (!isWriting()) await new Promise((r) => setTimeout(r, 1));

    // The snapshot write is stuck at the gate; a batch must not wait for it.
    const during = await indexer.applyChangeBatch([item(upsert('a2'))], { publish: false });
    expect(during.applied).toBe(1);
    expect(indexer.state()?.index.has('a2')).toBe(true);

    open();
    expect((await first)?.version).toBe(1);
    expect(ids(await published(), ['a1', 'a2'])).toEqual(['a1']);
    expect(indexer.state()?.unpublished).toBe(1);

    expect((await indexer.publish())?.version).toBe(2);
    expect(ids(await published(), ['a1', 'a2'])).toEqual(['a1', 'a2']);
    expect(indexer.state()?.unpublished).toBe(0);
  });

  it('a batch queued on the lock while its own publication lands does not reload the index', async () => {
    const { store, open, isWriting } = gatedStore();
    let reads = 0;
    store.get = async (key) => {
      reads++;
      return fs.get(key);
    };
    store.read = async (key) => {
      reads++;
      return fs.read(key);
    };
    const indexer = new Indexer({ store });
    await indexer.applyChangeBatch([item(upsert('a1'))], { publish: false });
    const first = indexer.publish();
    while (!isWriting()) await new Promise((r) => setTimeout(r, 1));
    // Something holds the lock (a merge, a reconciliation) and a batch waits behind it; then the
    // write lands. The batch runs before the publication's own bookkeeping under the lock, and
    // must take the new manifest for ours, not another writer's (a reload of every segment).
    let release: () => void = () => {};
    const holding = indexer.withIndex(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = indexer.applyChangeBatch([item(upsert('a2'))], { publish: false });
    reads = 0;
    open();
    await new Promise((r) => setTimeout(r, 50));
    release();
    await holding;
    expect((await queued).applied).toBe(1);
    expect((await first)?.version).toBe(1);
    expect(reads).toBe(0);
    expect(indexer.state()?.index.has('a2')).toBe(true);
    expect((await indexer.publish())?.version).toBe(2);
    expect(ids(await published(), ['a1', 'a2'])).toEqual(['a1', 'a2']);
  });
});

describe('an index of an earlier build (one whole snapshot)', () => {
  it('is served converted, and the first batch republishes it as segments', async () => {
    const old = PartitionedIndex.empty();
    old.applyUpsert(makeArticle('a1'));
    old.applyUpsert(makeArticle('a2'));
    old.applyRemove('gone', 3);
    const snapshotKey = 'snapshots/000000000007-0a1b2c3d.snap';
    await fs.put(snapshotKey, await encodeSnapshot(old));
    const manifest = {
      format: 1 as const,
      version: 7,
      snapshotKey,
      createdAt: new Date().toISOString(),
      articleCount: 2,
      definitionFingerprint: 'irrelevant',
      highWatermark: null,
      previous: [],
    };
    await fs.writeIfMatch('manifest.json', encodeManifest(manifest), null);

    const loader = await IndexLoader.open({ store: fs, refreshIntervalMs: 0 });
    expect(ids(loader.current().index, ['a1', 'a2'])).toEqual(['a1', 'a2']);
    const result = await new Indexer({ store: fs }).applyChangeBatch([item(upsert('a3'))]);
    expect(result.published?.version).toBe(1);
    const pointer = await readPointer(fs);
    expect(pointer?.format).toBe(2);
    const index = await published();
    expect(ids(index, ['a1', 'a2', 'a3'])).toEqual(['a1', 'a2', 'a3']);
    expect(index.versionOf('gone')).toBe(3); // removals of the old snapshot are kept
    expect(await loader.refresh()).toBe(true);
    expect(ids(loader.current().index, ['a1', 'a2', 'a3'])).toEqual(['a1', 'a2', 'a3']);
  });
});
