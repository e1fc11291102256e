import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@archive/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultyBlobStore } from '../../../../test/fixtures/faulty-blob-store';
import { upsert } from '../../../../test/fixtures/lifecycle-articles';
import { readPointer, readState, rollbackSegments as rollback } from '../segments/segment-store';
import { IndexLoader } from './index-loader';
import { Indexer } from './indexer';

let dir: string;
let fs: FsBlobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loader-'));
  fs = new FsBlobStore(dir, { durable: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const batch = (...changes: ReturnType<typeof upsert>[]) =>
  changes.map((change, i) => ({ recordId: `${i}`, change }));

describe('IndexLoader', () => {
  it('starts empty when nothing is published, then picks up new versions', async () => {
    let clock = 0;
    const loader = await IndexLoader.open({ store: fs, refreshIntervalMs: 2000, now: () => clock });
    expect(loader.current()).toMatchObject({ version: 0, articleCount: 0 });
    await new Indexer({ store: fs }).applyChangeBatch(batch(upsert('a1'), upsert('a2')));
    clock = 1000;
    expect(loader.current().version).toBe(0); // not due yet: no check at all
    clock = 2000;
    const stale = loader.current(); // due: starts a background check, answers at once
    expect(stale.version).toBe(0);
    await loader.refresh();
    expect(loader.current()).toMatchObject({ version: 1, articleCount: 2 });
    expect(loader.current().index.has('a2')).toBe(true);
  });

  it('checks cheaply: a conditional read per interval, no download when unchanged', async () => {
    await new Indexer({ store: fs }).applyChangeBatch(batch(upsert('a1')));
    const store = new FaultyBlobStore(fs);
    const loader = await IndexLoader.open({ store, refreshIntervalMs: 0 });
    const gets = store.calls.get;
    for (let i = 0; i < 5; i++) await loader.refresh();
    expect(store.calls.get).toBe(gets);
    expect(store.calls.readIfChanged).toBe(5);
  });

  it('never serves a half segment: a corrupt or missing blob keeps the current index', async () => {
    const indexer = new Indexer({ store: fs, mergePolicy: { maxSegments: 1 } });
    await indexer.applyChangeBatch(batch(upsert('a1')));
    const errors: unknown[] = [];
    const loader = await IndexLoader.open({
      store: fs,
      refreshIntervalMs: 0,
      onError: (e) => errors.push(e),
    });
    await indexer.applyChangeBatch(batch(upsert('a2')));
    // Truncate the new segment in place (what a torn write would look like) behind the manifest's back.
    const pointer = await readPointer(fs);
    if (pointer?.format !== 2) throw new Error('expected a segmented manifest');
    const state = await readState(fs, pointer.manifest.stateKey);
    const newest = state.partitions[0]?.segments.at(-1)?.key as string;
    const blob = (await fs.get(newest)) as Uint8Array;
    await fs.put(newest, blob.subarray(0, blob.length >> 1));
    expect(await loader.refresh()).toBe(false);
    expect(loader.current()).toMatchObject({ version: 1, articleCount: 1 });
    expect(String(errors[0])).toMatch(/corrupt|truncated/);
    // Later publications still name the torn segment; a merge rewrites it from the indexer's
    // memory, and that publication is picked up.
    await indexer.applyChangeBatch(batch(upsert('a3')));
    expect(await loader.refresh()).toBe(false);
    await indexer.maintain();
    expect(await loader.refresh()).toBe(true);
    expect(loader.current()).toMatchObject({ version: 4, articleCount: 3 });
  });

  it('follows a rollback', async () => {
    const indexer = new Indexer({ store: fs });
    await indexer.applyChangeBatch(batch(upsert('a1')));
    await indexer.applyChangeBatch(batch(upsert('a2')));
    const loader = await IndexLoader.open({ store: fs, refreshIntervalMs: 0 });
    expect(loader.current().articleCount).toBe(2);
    await rollback(fs);
    await loader.refresh();
    expect(loader.current()).toMatchObject({ version: 3, articleCount: 1 });
  });

  it('accepts newer in-process states from a local indexer and ignores older ones', async () => {
    const loader = await IndexLoader.open({ store: fs, refreshIntervalMs: 0 });
    const indexer = new Indexer({ store: fs, onIndexChanged: (state) => loader.offer(state) });
    await indexer.applyChangeBatch(batch(upsert('a1')), { publish: false });
    expect(loader.current().index.has('a1')).toBe(true); // searchable before any publication
    expect(loader.current().version).toBe(0);
    await indexer.publish();
    expect(loader.current().version).toBe(1);
    const served = loader.current().index;
    expect(await loader.refresh()).toBe(false); // its own publication: no reload
    expect(loader.current().index).toBe(served);
    const state = indexer.state();
    if (state) loader.offer({ ...state, version: 0, revision: 0, index: served });
    expect(loader.current().version).toBe(1);
  });
});
