import type { Article } from '@archive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArchiveIndex } from '../documents/archive-index';
import { suggest } from '../query/suggest';
import {
  allPages,
  oracle,
  request,
  article as testArticle,
  textWord,
  word,
} from '../testing/exactness-arbitraries';
import { selectMerge } from './merge-policy';
import { SegmentedIndex } from './segmented-index';

/**
 * The segmented index must answer exactly as one index over the live articles, whatever the
 * history: batches of new articles, updates, takedowns, publications (sealing segments), merges,
 * and a reader that follows the published states with delete markers. Scores to 9 decimals.
 */

function article(n: number, version: number, words: string[], day: number): Article {
  return { ...testArticle(n, words.slice(0, 3), [words], day, n + version), version };
}

const words = fc.array(textWord, { minLength: 1, maxLength: 10 });

type Step =
  | { kind: 'add'; items: { words: string[]; day: number }[] }
  | { kind: 'update'; pick: number; words: string[] }
  | { kind: 'takedown'; pick: number }
  | { kind: 'publish' }
  | { kind: 'merge'; pick: number; count: number }
  | { kind: 'policy' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      items: fc.array(fc.record({ words, day: fc.integer({ min: 0, max: 900 }) }), {
        minLength: 1,
        maxLength: 5,
      }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), words }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('takedown' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'publish' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('merge' as const),
      pick: fc.nat(),
      count: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'policy' as const }) },
);

/** Plays a history on a writer, a reader following its publications, and one plain index. */
function play(steps: Step[]) {
  const writer = SegmentedIndex.empty({ partitionTarget: 12 });
  const reader = SegmentedIndex.empty();
  const single = ArchiveIndex.empty();
  const blobs = new Map<string, Uint8Array>();
  const versions: number[] = [];
  let next = 0;
  let published = 0;
  let merges = 0;
  const apply = (a: Article) => {
    expect(writer.applyUpsert(a)).toBe(single.applyUpsert(a));
  };
  const publish = () => {
    for (const open of writer.pendingSegments()) {
      const key = `segments/${open.partition}/${String(++published).padStart(9, '0')}-00000000.seg`;
      blobs.set(key, open.index.serialize());
      writer.seal(open.key, key, blobs.get(key)?.byteLength ?? 0);
    }
    const state = writer.describe();
    const fetched = new Map(
      reader
        .missingSegments(state)
        .map((key) => [key, ArchiveIndex.deserialize(blobs.get(key) as Uint8Array)]),
    );
    reader.followState(state, fetched);
  };
  const merge = (partition: string, keys: string[]) => {
    if (keys.length === 0) return;
    const capture = writer.captureMerge(keys);
    const output = ArchiveIndex.merged(capture.inputs.map((input) => input.index));
    const key = `segments/${partition}/${String(++published).padStart(9, '0')}-00000000.seg`;
    blobs.set(key, output.serialize());
    expect(
      writer.replaceByMerge(capture, {
        key,
        index: ArchiveIndex.deserialize(blobs.get(key) as Uint8Array),
        bytes: 1,
        partition,
      }),
    ).toBe(true);
    merges++;
  };
  for (const s of steps) {
    writer.growLayout();
    switch (s.kind) {
      case 'add':
        for (const item of s.items) {
          versions.push(1);
          apply(article(next++, 1, item.words, item.day));
        }
        break;
      case 'update': {
        if (next === 0) break;
        const n = s.pick % next;
        const version = (versions[n] as number) + 1;
        versions[n] = version;
        const day = 10 + ((n * 37) % 800);
        apply(article(n, version, s.words, day));
        break;
      }
      case 'takedown': {
        if (next === 0) break;
        const n = s.pick % next;
        const version = (versions[n] as number) + 1;
        versions[n] = version;
        expect(writer.applyRemove(`a${n}`, version)).toBe(single.applyRemove(`a${n}`, version));
        break;
      }
      case 'publish':
        publish();
        break;
      case 'merge': {
        const partitions = writer.partitions();
        const partition = partitions[s.pick % partitions.length]?.id as string;
        const sealed = writer.segmentsOf(partition).filter((v) => v.sealed);
        merge(
          partition,
          sealed.slice(0, s.count).map((v) => v.key),
        );
        break;
      }
      case 'policy':
        for (const { id } of writer.partitions()) {
          const sizes = writer
            .segmentsOf(id)
            .filter((v) => v.sealed)
            .map((v) => ({
              key: v.key,
              liveDocs: v.index.size,
              deletedDocs: v.deleted.size,
              bytes: v.docs * 100,
            }));
          const chosen = selectMerge(sizes, { maxSegments: 2 });
          if (chosen) merge(id, chosen);
        }
        break;
    }
  }
  publish();
  return { writer, reader, single, merges };
}

describe('SegmentedIndex answers as one index over the live articles', () => {
  it('after any interleaving of batches, updates, takedowns, publications and merges', () => {
    let merged = 0;
    let withHits = 0;
    let multiPartition = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 40 }), request, (steps, req) => {
        const { writer, reader, single, merges } = play(steps);
        expect(writer.size).toBe(single.size);
        expect(reader.size).toBe(single.size);
        const expected = allPages(oracle(single), req);
        expect(allPages(writer, req)).toEqual(expected);
        expect(allPages(reader, req)).toEqual(expected);
        if (merges > 0) merged++;
        if ((expected[0]?.total ?? 0) > 0) withHits++;
        if (writer.partitions().length > 1) multiPartition++;
      }),
      { numRuns: 120 },
    );
    expect(merged).toBeGreaterThan(25);
    expect(withHits).toBeGreaterThan(30);
    expect(multiPartition).toBeGreaterThan(10);
  });

  it('for suggestions and spelling fixes', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 3, maxLength: 20 }), word, (steps, w) => {
        const { reader, single } = play(steps);
        expect(reader.suggest(w.slice(0, 2))).toEqual(suggest(single, w.slice(0, 2)));
        const typo = `${w.slice(0, -1)}x`;
        expect(reader.query({ q: typo }).didYouMean).toEqual(oracle(single).query({ q: typo }).didYouMean);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps removals across publications: a stale redelivery cannot resurrect a takedown', () => {
    const index = SegmentedIndex.empty();
    const a1 = article(1, 1, ['geneva'], 3);
    index.applyUpsert(a1);
    expect(index.applyRemove('a1', 2)).toBe(true);
    const open = index.pendingSegments()[0];
    expect(open?.index.tombstoneCount).toBe(1);
    const reader = SegmentedIndex.empty();
    index.seal(open?.key as string, 'segments/p0000/000000001-00000000.seg', 1);
    const state = index.describe();
    reader.followState(
      state,
      new Map([
        [
          state.partitions[0]?.segments[0]?.key as string,
          ArchiveIndex.deserialize(open?.index.serialize() as Uint8Array),
        ],
      ]),
    );
    expect(reader.applyUpsert(a1)).toBe(false);
    expect(reader.applyUpsert({ ...a1, version: 3 })).toBe(true);
  });
});
