import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Article, ArticleChange } from '@archive/core';
import { FsBlobStore } from '@archive/store';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeArticle, remove, upsert } from '../../../../test/fixtures/lifecycle-articles';
import { loadSegmentedIndex } from '../segments/segment-store';
import type { SegmentedIndex } from '../segments/segmented-index';
import { Indexer } from './indexer';
import { publishRebuild, RebuildConflictError, type RebuildItem, rebuildIndex } from './rebuild';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rebuild-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The store's final state after a history of changes: what a full scan returns. */
function finalState(history: ArticleChange[]): RebuildItem[] {
  const latest = new Map<string, ArticleChange>();
  for (const c of history) if ((latest.get(c.id)?.version ?? 0) < c.version) latest.set(c.id, c);
  return [...latest.values()].map((c) =>
    c.kind === 'upsert' ? c.article : { id: c.id, version: c.version, removed: true as const },
  );
}

/** A history: per article, versions 1..n where some versions are takedowns. */
const historyArb = fc
  .uniqueArray(
    fc.tuple(fc.integer({ min: 0, max: 30 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 4 })),
    {
      maxLength: 25,
      selector: ([n]) => n,
    },
  )
  .map((entries) =>
    entries.flatMap(([n, kinds]) =>
      kinds.map((isRemove, v) => (isRemove ? remove(`a${n}`, v + 1) : upsert(`a${n}`, v + 1))),
    ),
  );

const QUERIES = ['geneva', 'peace talks', 'version1', 'version2', 'version3', 'cocoa', 'report'];

function observe(index: SegmentedIndex, ids: string[]) {
  return {
    live: ids.filter((id) => index.has(id)),
    versions: ids.map((id) => index.versionOf(id) ?? null),
    hits: QUERIES.map((q) =>
      index
        .search(q, 50)
        .map((h) => h.id)
        .sort(),
    ),
  };
}

describe('rebuild', () => {
  it('equals incremental indexing of any delivery (shuffled, redelivered, batched) of the same history', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        fc.integer({ min: 1, max: 5 }),
        fc.infiniteStream(fc.nat()),
        async (history, batchSize, rnd) => {
          // At-least-once delivery: every change once, some twice, shuffled across articles.
          const delivered = [...history, ...history.filter((_, i) => i % 3 === 0)];
          const order = delivered
            .map((c, i) => ({ c, k: rnd.next().value as number, i }))
            .sort((a, b) => a.k - b.k || a.i - b.i);
          const store = new FsBlobStore(join(dir, `s${Math.random().toString(36).slice(2)}`), {
            durable: false,
          });
          const indexer = new Indexer({ store });
          for (let i = 0; i < order.length; i += batchSize) {
            const batch = order
              .slice(i, i + batchSize)
              .map(({ c }, j) => ({ recordId: `${i + j}`, change: c }));
            await indexer.applyChangeBatch(batch, { publish: false });
          }
          await indexer.publish();
          const incremental = await loadSegmentedIndex(store);
          const rebuilt = await rebuildIndex(finalState(history));
          const ids = [...new Set(history.map((c) => c.id))];
          expect(observe(incremental, ids)).toEqual(observe(rebuilt, ids));
        },
      ),
      { numRuns: 25 },
    );
  });

  // The index removes postings exactly (not `discard`), so scores match a fresh build too.
  it('gives the same scores as incremental indexing after a replacement', async () => {
    const incremental = await rebuildIndex([makeArticle('a0'), makeArticle('a1'), makeArticle('a1', 2)]);
    const rebuilt = await rebuildIndex([makeArticle('a0'), makeArticle('a1', 2)]);
    const scores = (index: SegmentedIndex) => index.search('report').map((h) => [h.id, h.score.toFixed(6)]);
    expect(scores(incremental)).toEqual(scores(rebuilt));
  });

  it('publishes a rebuild as the next version', async () => {
    const store = new FsBlobStore(dir, { durable: false });
    await new Indexer({ store }).applyChangeBatch([{ recordId: '1', change: upsert('stale') }]);
    const scan = async function* (): AsyncIterable<Article> {
      yield makeArticle('a1');
      yield makeArticle('a2', 2);
    };
    const { manifest } = await publishRebuild(store, scan);
    expect(manifest).toMatchObject({ version: 2, articleCount: 2 });
    const index = await loadSegmentedIndex(store);
    expect(['stale', 'a1', 'a2'].filter((id) => index.has(id))).toEqual(['a1', 'a2']);
  });

  it('rescans instead of overwriting when an indexer published during the scan', async () => {
    const store = new FsBlobStore(dir, { durable: false });
    const indexer = new Indexer({ store });
    let scans = 0;
    const scan = async function* (): AsyncIterable<Article> {
      scans++;
      yield makeArticle('a1');
      if (scans === 1) await indexer.applyChangeBatch([{ recordId: '1', change: upsert('a2') }]);
      else yield makeArticle('a2');
    };
    const { attempts } = await publishRebuild(store, scan);
    expect(attempts).toBe(2);
    const index = await loadSegmentedIndex(store);
    expect(['a1', 'a2'].filter((id) => index.has(id))).toEqual(['a1', 'a2']);

    const once = (async function* () {
      yield makeArticle('a3');
      await indexer.applyChangeBatch([{ recordId: '2', change: upsert('a4') }]);
    })();
    await expect(publishRebuild(store, once)).rejects.toThrow(RebuildConflictError);
  });
});
