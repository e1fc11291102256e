import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Article, ArticleChange } from '@archive/core';
import { FsBlobStore } from '@archive/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeArticle, remove, upsert } from '../../../../test/fixtures/lifecycle-articles';
import { readPointer as readManifest } from '../segments/segment-store';
import { IndexLoader } from './index-loader';
import { LocalIndexer } from './local-indexer';
import type { ReconcileSource } from './reconcile';

let dir: string;
let fs: FsBlobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-indexer-'));
  fs = new FsBlobStore(dir, { durable: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Records as the local sink might emit them: JSON text, decoded by an injected function. */
const encode = (change: ArticleChange) => JSON.stringify(change);
const decode = (record: string) => JSON.parse(record) as ArticleChange;

/** A store with these live articles and tombstones. */
function storeOf(live: Article[], tombstones: { id: string; version: number }[] = []): ReconcileSource {
  return {
    async *states() {
      for (const a of live) yield { id: a.id, version: a.version, removed: false };
      for (const t of tombstones) yield { ...t, removed: true };
    },
    async load(ids) {
      return live.filter((a) => ids.includes(a.id));
    },
  };
}

describe('LocalIndexer', () => {
  it('makes pushed changes searchable through the loader within one flush interval', async () => {
    const loader = await IndexLoader.open({ store: fs });
    const local = new LocalIndexer<string>({
      store: fs,
      decode,
      flushIntervalMs: 20,
      onIndexChanged: (s) => loader.offer(s),
    });
    local.push(encode(upsert('a1')));
    local.push(encode(upsert('a2')));
    await expect.poll(() => loader.current().index.has('a2'), { interval: 10 }).toBe(true);
    await local.close();
    expect((await readManifest(fs))?.manifest.articleCount).toBe(2);
  });

  it('reports undecodable records and applies the rest', async () => {
    const failures: (string | undefined)[] = [];
    const local = new LocalIndexer<string>({ store: fs, decode, onError: (_e, id) => failures.push(id) });
    local.push(encode(upsert('a1')));
    local.push('{not json');
    local.push(encode(remove('a1', 2)));
    local.push(encode(upsert('a3')));
    const result = await local.flush();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'local-2' }]);
    expect(failures).toEqual(['local-2']);
    expect(result.applied).toBe(3);
    await local.close();
  });

  it('converges after a crash: the next start reconciles the snapshot with the store', async () => {
    // First run: publishes a1, a2; then applies more in memory and "crashes" before persisting.
    const first = new LocalIndexer<string>({ store: fs, decode, persistIntervalMs: 60_000 });
    first.push(encode(upsert('a1')));
    first.push(encode(upsert('a2')));
    await first.flush();
    first.push(encode(upsert('a2', 2)));
    first.push(encode(upsert('a3')));
    first.push(encode(remove('a1', 2)));
    // (no flush/close: the process dies here)

    const store = storeOf([makeArticle('a2', 2), makeArticle('a3')], [{ id: 'a1', version: 2 }]);
    const second = new LocalIndexer<string>({ store: fs, decode });
    const report = await second.reconcile(store);
    expect(report).toMatchObject({ upserted: 2, removed: 1, rebuilt: false, mode: 'scan' });
    const state = second.indexer.state();
    expect(['a1', 'a2', 'a3'].filter((id) => state?.index.has(id))).toEqual(['a2', 'a3']);
    expect(state?.index.versionOf('a2')).toBe(2);
    expect((await readManifest(fs))?.manifest.articleCount).toBe(2);
    // Reconciling again finds nothing to do and publishes nothing new.
    const version = (await readManifest(fs))?.manifest.version;
    expect(await second.reconcile(store)).toMatchObject({ upserted: 0, removed: 0, rebuilt: false });
    expect((await readManifest(fs))?.manifest.version).toBe(version);
    await second.close();
  });

  it('rebuilds when the snapshot holds what the store does not', async () => {
    const first = new LocalIndexer<string>({ store: fs, decode });
    first.push(encode(upsert('a1', 3)));
    first.push(encode(upsert('gone')));
    await first.close();
    // The store was reset: a1 is back at version 1 and `gone` never existed.
    const second = new LocalIndexer<string>({ store: fs, decode });
    const report = await second.reconcile(storeOf([makeArticle('a1', 1), makeArticle('b1')]));
    expect(report.rebuilt).toBe(true);
    const index = second.indexer.state()?.index;
    expect(['a1', 'b1', 'gone'].filter((id) => index?.has(id))).toEqual(['a1', 'b1']);
    expect(index?.versionOf('a1')).toBe(1);
    await second.close();
  });
});
