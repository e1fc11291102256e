import { describe, expect, it } from 'vitest';
import { PartitionedIndex } from '../partitions/partitioned-index';
import { indexHealth } from './index-health';

describe('indexHealth', () => {
  const now = Date.parse('2024-11-28T10:00:30.000Z');

  it('reports version, size and ages in seconds', () => {
    const health = indexHealth(
      {
        index: PartitionedIndex.empty(),
        version: 7,
        revision: 0,
        articleCount: 1234,
        highWatermark: '2024-11-28T10:00:00.000Z',
        publishedAt: '2024-11-28T10:00:05.500Z',
        since: Date.parse('2024-11-28T10:00:10.000Z'),
      },
      now,
    );
    expect(health).toEqual({
      version: 7,
      articles: 1234,
      publishedAt: '2024-11-28T10:00:05.500Z',
      highWatermark: '2024-11-28T10:00:00.000Z',
      loadedAt: '2024-11-28T10:00:10.000Z',
      secondsSinceLastChange: 30,
      secondsSincePublished: 24.5,
      revision: 0,
    });
  });

  it("says how far behind the store's newest write it is, where the process sees the store", () => {
    const loaded = {
      index: PartitionedIndex.empty(),
      version: 3,
      revision: 2,
      articleCount: 10,
      highWatermark: '2024-11-28T10:00:00.000Z',
      publishedAt: null,
      since: now,
    };
    expect(indexHealth(loaded, now, { lastStoreChange: '2024-11-28T10:00:20.000Z' })).toMatchObject({
      lastStoreChange: '2024-11-28T10:00:20.000Z',
      behindMs: 10_000,
    });
    expect(indexHealth(loaded, now, { lastStoreChange: '2024-11-28T10:00:00.000Z' }).behindMs).toBe(0);
    expect(indexHealth(loaded, now, { lastStoreChange: null }).behindMs).toBe(0);
    expect(indexHealth(loaded, now)).not.toHaveProperty('behindMs');
  });

  it('reports an empty, never-published index without ages', () => {
    const health = indexHealth(
      {
        index: PartitionedIndex.empty(),
        version: 0,
        revision: 0,
        articleCount: 0,
        highWatermark: null,
        publishedAt: null,
        since: now,
      },
      now,
    );
    expect(health).toMatchObject({ version: 0, articles: 0, secondsSinceLastChange: null });
    expect(health.secondsSincePublished).toBeNull();
  });
});
