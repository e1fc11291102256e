import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '@archive/store';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Indexer } from '../lifecycle/indexer';
import { article } from '../testing/exactness-arbitraries';
import { assignPartitions } from './assignment';
import { PartitionHolder } from './partition-holder';

describe('assignPartitions', () => {
  const sizes = fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 30 });
  const parts = (bytes: number[]) => bytes.map((b, i) => ({ key: String(2000 + i), bytes: b }));

  it('never moves a partition when a newer one is added or the newest grows', () => {
    fc.assert(
      fc.property(
        sizes,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 1000 }),
        (bytes, k, extra) => {
          const before = assignPartitions(parts(bytes), k);
          const grown = parts(bytes).map((p, i) =>
            i === bytes.length - 1 ? { ...p, bytes: p.bytes + extra } : p,
          );
          const after = assignPartitions([...grown, { key: '9999', bytes: extra }], k);
          for (const [key, owner] of before) expect(after.get(key)).toBe(owner);
        },
      ),
    );
  });

  it('keeps every function within one partition of the average', () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 1, max: 5 }), (bytes, k) => {
        const owners = assignPartitions(parts(bytes), k);
        const load = new Array<number>(k).fill(0);
        for (const p of parts(bytes)) {
          const owner = owners.get(p.key) as number;
          load[owner] = (load[owner] ?? 0) + p.bytes;
        }
        const total = bytes.reduce((a, b) => a + b, 0);
        for (const l of load) expect(l).toBeLessThanOrEqual(total / k + Math.max(...bytes));
      }),
    );
  });
});

describe('PartitionHolder', () => {
  let dir: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'holder-'));
    store = new FsBlobStore(dir, { durable: false });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const doc = (n: number, day: number, version = 1) => ({
    ...article(n, ['geneva', 'talks'], [['peace', 'border']], day, n),
    version,
  });
  /** Partitions of 8 articles, so a small archive spans several. */
  const indexer = () => new Indexer({ store, partitionTarget: 8 });
  let seq = 0;
  async function apply(writer: Indexer, docs: ReturnType<typeof doc>[]) {
    for (let i = 0; i < docs.length; i += 4) {
      const batch = docs.slice(i, i + 4).map((a) => ({
        recordId: String(++seq),
        change: { kind: 'upsert' as const, id: a.id, version: a.version, article: a },
      }));
      await writer.applyChangeBatch(batch);
    }
  }
  const partitionOf = (segmentKey: string) => segmentKey.split('/')[1];

  it('loads its share, and after a publication fetches only the new segments of one partition', async () => {
    const writer = indexer();
    await apply(
      writer,
      Array.from({ length: 40 }, (_, n) => doc(n, n * 9)),
    );
    let now = 0;
    const holders = await Promise.all(
      [0, 1].map((functionIndex) =>
        PartitionHolder.open({
          store,
          functionIndex,
          functionCount: 2,
          now: () => now,
          refreshIntervalMs: 0,
        }),
      ),
    );
    const held = holders.map((h) => h.service.describe().map((p) => p.key));
    const all =
      writer
        .state()
        ?.index.segmentList()
        .map((v) => v.key) ?? [];
    expect([...(held[0] ?? []), ...(held[1] ?? [])].sort()).toEqual([...all].sort());
    expect(held[0]?.length).toBeGreaterThan(0);
    expect(held[1]?.length).toBeGreaterThan(0);
    expect(new Set(all.map(partitionOf)).size).toBeGreaterThan(2);

    const before = new Map(holders.flatMap((h) => h.service.describe().map((p) => [p.key, p.version])));
    await apply(writer, [doc(0, 0, 2)]); // an article of the oldest partition changes
    now += 1;
    await Promise.all(holders.map((h) => h.refresh()));
    const after = new Map(holders.flatMap((h) => h.service.describe().map((p) => [p.key, p.version])));
    const changed = [...after].filter(([key, version]) => before.get(key) !== version).map(([key]) => key);
    expect(changed.length).toBe(2); // its new segment, and the delete marker on the old one
    expect(new Set(changed.map(partitionOf))).toEqual(new Set(['p0000']));
  });

  it('keeps serving a partition moved elsewhere for the hand-over period', async () => {
    const writer = indexer();
    await apply(
      writer,
      Array.from({ length: 20 }, (_, n) => doc(n, 40 + n * 10)),
    );
    let now = 0;
    const holder = await PartitionHolder.open({
      store,
      functionIndex: 0,
      functionCount: 2,
      now: () => now,
      refreshIntervalMs: 0,
      handoffMs: 1000,
    });
    const owned = holder.service.describe().map((p) => p.key);
    // A large older partition shifts the assignment of the ones after it.
    await apply(
      writer,
      Array.from({ length: 30 }, (_, n) => doc(200 + n, 0)),
    );
    now += 1;
    await holder.refresh();
    const draining = holder.service.describe().filter((p) => p.draining);
    expect(draining.length).toBeGreaterThan(0);
    for (const p of draining) expect(owned).toContain(p.key);
    now += 2000;
    await holder.refresh();
    expect(holder.service.describe().some((p) => p.draining)).toBe(false);
  });
});
