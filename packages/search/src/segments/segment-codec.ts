import { runInSlices } from '@archive/core';
import { ArchiveIndex } from '../documents/archive-index';
import { type EncodeOptions, encodeSnapshot, openSnapshot } from '../snapshot/snapshot-codec';

/**
 * A segment blob: the snapshot codec (header with the index-definition fingerprint, SHA-256,
 * brotli) around one `ArchiveIndex` payload. The payload's own magic (`AIX3`) differs from a
 * whole snapshot's (`APX1`), so neither can be mistaken for the other.
 */
export async function encodeSegment(index: ArchiveIndex, options: EncodeOptions = {}): Promise<Uint8Array> {
  const raw = await runInSlices(index.serializeSteps());
  return encodeSnapshot({ raw, articleCount: index.size }, options);
}

/** Verifies (fingerprint, length, checksum) and decodes a segment blob. */
export async function decodeSegment(bytes: Uint8Array): Promise<ArchiveIndex> {
  const inflating = openSnapshot(bytes);
  const index = await ArchiveIndex.deserializeProgressively(inflating.out, inflating.ready);
  await inflating.done;
  return index;
}
