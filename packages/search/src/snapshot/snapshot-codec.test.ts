import { describe, expect, it } from 'vitest';
import { upsert } from '../../../../test/fixtures/lifecycle-articles';
import { applyChange } from '../lifecycle/indexer';
import { PartitionedIndex } from '../partitions/partitioned-index';
import {
  chunkLayout,
  decodeSnapshot,
  encodeSnapshot,
  inflatePart,
  packPart,
  readSnapshotHeader,
  SnapshotFormatError,
} from './snapshot-codec';

/** Twenty articles over three months, one partition a month: a payload of several partitions. */
function sample(): PartitionedIndex {
  const index = PartitionedIndex.empty('month');
  for (let i = 0; i < 20; i++) {
    const change = upsert(`a${i}`, 1 + (i % 3));
    if (change.kind === 'upsert' && i % 3 > 0) {
      change.article.publishedAt = change.article.publishedAt.replace('-11-', `-0${i % 3}-`);
    }
    applyChange(index, change);
  }
  applyChange(index, { kind: 'remove', id: 'a3', version: 9 });
  return index;
}

describe('snapshot codec', () => {
  it.each(['br', 'gzip', 'none'] as const)('round-trips an index with %s', async (compression) => {
    const index = sample();
    const bytes = await encodeSnapshot(index, { compression });
    const { header } = readSnapshotHeader(bytes);
    expect(header).toMatchObject({ format: 1, compression, articleCount: 19 });
    const back = await decodeSnapshot(bytes);
    expect(back.size).toBe(19);
    expect(back.versionOf('a3')).toBe(9);
    expect(back.has('a3')).toBe(false);
    expect(back.search('geneva')).toEqual(index.search('geneva'));
  });

  it.each(['br', 'gzip'] as const)(
    'round-trips a payload compressed in many chunks (%s)',
    async (compression) => {
      const index = sample();
      const bytes = await encodeSnapshot(index, { compression, chunkBytes: 257 });
      const { header } = readSnapshotHeader(bytes);
      // At most 257 raw bytes a chunk, and a chunk starts at every partition's start.
      const layout = chunkLayout(header);
      expect(layout.every((c) => c.rawEnd - c.rawStart <= 257)).toBe(true);
      const starts = new Set(layout.map((c) => c.rawStart));
      const { boundaries } = index.serializeForSnapshot();
      expect(boundaries.length).toBeGreaterThan(1);
      expect(boundaries.every((b) => starts.has(b))).toBe(true);
      // Each partition's share inflates on its own to exactly its payload.
      const raw = index.serialize();
      const ends = [...boundaries.slice(1), raw.byteLength];
      for (const [i, start] of boundaries.entries()) {
        const part = await inflatePart(packPart(bytes, start, ends[i] as number));
        expect(Buffer.compare(part, raw.subarray(start, ends[i]))).toBe(0);
      }
      // Compared with the same index loaded from one stream (a built and a loaded index may order
      // their terms differently).
      const whole = await decodeSnapshot(await encodeSnapshot(index, { compression, chunkBytes: 1 << 30 }));
      const chunked = await decodeSnapshot(bytes);
      expect(Buffer.compare(chunked.serialize(), whole.serialize())).toBe(0);
      expect(chunked.search('geneva')).toEqual(index.search('geneva'));
    },
  );

  it('refuses corrupt, truncated and foreign bytes', async () => {
    const bytes = await encodeSnapshot(sample());
    const flipped = bytes.slice();
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] ?? 0) ^ 0xff;
    await expect(decodeSnapshot(flipped)).rejects.toThrow(/checksum/);
    await expect(decodeSnapshot(bytes.subarray(0, bytes.length - 10))).rejects.toThrow(SnapshotFormatError);
    await expect(decodeSnapshot(bytes.subarray(0, 6))).rejects.toThrow(/bad magic/);
    await expect(decodeSnapshot(new TextEncoder().encode('{"index":{}}'))).rejects.toThrow(/bad magic/);
  });

  it('refuses a snapshot built with another index definition', async () => {
    const bytes = await encodeSnapshot(sample());
    const { header, payloadOffset } = readSnapshotHeader(bytes);
    const foreign = new TextEncoder().encode(
      JSON.stringify({ ...header, definitionFingerprint: 'f'.repeat(64) }),
    );
    const forged = new Uint8Array(8 + foreign.length + bytes.length - payloadOffset);
    forged.set(bytes.subarray(0, 4));
    new DataView(forged.buffer).setUint32(4, foreign.length);
    forged.set(foreign, 8);
    forged.set(bytes.subarray(payloadOffset), 8 + foreign.length);
    await expect(decodeSnapshot(forged)).rejects.toThrow(/another index definition/);
  });
});
