import { readFileSync } from 'node:fs';
import type { Article } from '@archive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchRequest } from '../documents/search-types';
import { encodeSnapshot } from '../snapshot/snapshot-codec';
import type { PartitionedSearch } from './coordinator';
import { PartitionedIndex } from './partitioned-index';
import { loadSnapshotIntoWorkers } from './worker-loader';

const fixtures = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/search-articles.json', import.meta.url), 'utf8'),
) as Article[];

// Real worker threads running the TypeScript sources: partitions spread over two workers answer
// exactly as the same index in this thread.
describe('loadSnapshotIntoWorkers', () => {
  const index = PartitionedIndex.empty('month');
  let search: PartitionedSearch;
  beforeAll(async () => {
    for (const article of fixtures) index.applyUpsert(article);
    // A Buffer, as readFile and S3 give it (its slice is a view: the loader must copy).
    const stored = Buffer.from(await encodeSnapshot(index, { chunkBytes: 4096 }));
    search = await loadSnapshotIntoWorkers(stored, {
      workers: 2,
      script: new URL('./worker-main.ts', import.meta.url),
      typescript: true,
    });
  });
  afterAll(async () => {
    await search?.close();
  });

  it('spreads the partitions and answers as the index in this thread', async () => {
    expect(search.size).toBe(index.size);
    expect(search.partitions.map((p) => p.key)).toEqual(index.partitionKeys());
    const requests: SearchRequest[] = [
      { q: 'Geneva' },
      { q: '"peace initiative"' },
      { q: 'syria -Beirut', sort: 'newest', limit: 2 },
      { q: 'genva~' },
      { q: 'reconstr*' },
      { q: 'peace talks', mode: 'natural' },
      { place: 'Jerusalem' },
      { q: 'syria', from: '2024-11-01', to: '2024-11-30' },
    ];
    for (const request of requests) {
      const [fromWorkers, inThread] = [await search.query(request), index.query(request)];
      expect({ ...fromWorkers, tookMs: 0 }, JSON.stringify(request)).toEqual({ ...inThread, tookMs: 0 });
    }
    expect(await search.suggest('gen')).toEqual(index.suggest('gen'));
  });

  it('reports a query error of a worker as an error, and keeps serving', async () => {
    await expect(search.query({ q: 'x', limit: 10, cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
    expect((await search.query({ q: 'Geneva' })).total).toBeGreaterThan(0);
  });
});
