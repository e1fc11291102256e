import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';
import type { Article } from '@archive/core';
import { PartitionedIndex } from '../partitions/partitioned-index';
import {
  CHUNK_RAW_BYTES,
  chunksOf,
  type Inflation,
  type PackedPart,
  packChunks,
  SnapshotFormatError,
  startDecompression,
} from './snapshot-chunks';

import type { SnapshotCompression, SnapshotHeader } from './snapshot-header';

export { chunkLayout, inflatePart, type PackedPart, SnapshotFormatError } from './snapshot-chunks';
export type { SnapshotCompression, SnapshotHeader } from './snapshot-header';

export interface EncodeOptions {
  compression?: SnapshotCompression;
  /** Brotli quality 0–11; 11 is far slower to write for a few percent (see INDEX-LIFECYCLE.md). */
  brotliQuality?: number;
  /** Raw bytes per independently compressed chunk (default CHUNK_RAW_BYTES; tests use small ones). */
  chunkBytes?: number;
}

/** Chosen by measurement on a 20k-article index; see docs/INDEX-LIFECYCLE.md. */
export const DEFAULT_COMPRESSION: SnapshotCompression = 'br';
export const DEFAULT_BROTLI_QUALITY = 4;

const MAGIC = new Uint8Array([0x41, 0x58, 0x53, 0x4e]); // "AXSN"
const brotliCompressAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** An index already serialised (`PartitionedIndex.serialize`), so it can be encoded off the index's lock. */
export interface SerializedIndex {
  raw: Uint8Array;
  articleCount: number;
  /** Offsets in `raw` where a chunk must start (partitions' starts). */
  boundaries?: number[];
}

/** Serialises and compresses an index into a snapshot file. Compression runs off the main thread. */
export async function encodeSnapshot(
  index: PartitionedIndex | SerializedIndex,
  options: EncodeOptions = {},
): Promise<Uint8Array> {
  const compression = options.compression ?? DEFAULT_COMPRESSION;
  const { raw, articleCount, boundaries } =
    index instanceof PartitionedIndex ? index.serializeForSnapshot() : index;
  const quality = options.brotliQuality ?? DEFAULT_BROTLI_QUALITY;
  const chunkBytes = options.chunkBytes ?? CHUNK_RAW_BYTES;
  const parts =
    compression === 'none'
      ? [raw]
      : await Promise.all(
          chunksOf(raw, chunkBytes, boundaries ?? []).map((chunk) => compress(chunk, compression, quality)),
        );
  const rawSizes =
    compression === 'none'
      ? [raw.byteLength]
      : chunksOf(raw, chunkBytes, boundaries ?? []).map((c) => c.byteLength);
  const stored = concat(parts);
  const header: SnapshotHeader = {
    format: 1,
    compression,
    definitionFingerprint: indexDefinitionFingerprint(),
    articleCount,
    rawBytes: raw.byteLength,
    storedBytes: stored.byteLength,
    sha256: sha256(stored),
    ...(compression === 'none'
      ? {}
      : { chunks: parts.map((part) => part.byteLength), chunkRawBytes: chunkBytes, chunkRaw: rawSizes }),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + headerBytes.byteLength + stored.byteLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, headerBytes.byteLength);
  out.set(headerBytes, 8);
  out.set(stored, 8 + headerBytes.byteLength);
  return out;
}

/** Reads and validates the header without touching the payload. */
export function readSnapshotHeader(bytes: Uint8Array): { header: SnapshotHeader; payloadOffset: number } {
  if (bytes.byteLength < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SnapshotFormatError('not an index snapshot (bad magic)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4);
  if (8 + headerLength > bytes.byteLength) throw new SnapshotFormatError('truncated snapshot header');
  let header: SnapshotHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as SnapshotHeader;
  } catch {
    throw new SnapshotFormatError('unreadable snapshot header');
  }
  if (header.format !== 1)
    throw new SnapshotFormatError(`unsupported snapshot format ${String(header.format)}`);
  return { header, payloadOffset: 8 + headerLength };
}

/** Magic, index definition and length of a stored snapshot; its header and stored payload. */
function checkedPayload(bytes: Uint8Array): { header: SnapshotHeader; stored: Uint8Array } {
  const { header, payloadOffset } = readSnapshotHeader(bytes);
  if (header.definitionFingerprint !== indexDefinitionFingerprint()) {
    throw new SnapshotFormatError(
      `snapshot was built with another index definition (${header.definitionFingerprint.slice(0, 12)}, ` +
        `this build is ${indexDefinitionFingerprint().slice(0, 12)}); rebuild it with \`archive reindex\``,
    );
  }
  const stored = bytes.subarray(payloadOffset);
  if (stored.byteLength !== header.storedBytes) {
    throw new SnapshotFormatError('snapshot payload is truncated or corrupt (length mismatch)');
  }
  return { header, stored };
}

function checkChecksum(header: SnapshotHeader, stored: Uint8Array): void {
  if (sha256(stored) !== header.sha256) {
    throw new SnapshotFormatError('snapshot payload is truncated or corrupt (checksum mismatch)');
  }
}

/** Verifies a stored snapshot (magic, index definition, length, checksum); returns its header. */
export function verifySnapshot(bytes: Uint8Array): SnapshotHeader {
  const { header, stored } = checkedPayload(bytes);
  checkChecksum(header, stored);
  return header;
}

/**
 * Verifies a stored snapshot (magic, index definition, length, checksum) and starts decompressing
 * its payload (chunks on the libuv pool): `ready(end)` resolves once bytes [0, end) of `payload` are
 * in place, so a caller can decode early sections while later ones inflate. Nothing is handed out
 * before the checksum has matched.
 */
export function openSnapshot(bytes: Uint8Array): Inflation {
  const { header, stored } = checkedPayload(bytes);
  // Chunks decompress on the libuv pool while this thread checks the checksum.
  const inflating = startDecompression(stored, header);
  checkChecksum(header, stored);
  return inflating;
}

/**
 * The compressed bytes of raw range [start, end) of a verified snapshot, packed to be inflated in
 * another thread (see snapshot-chunks.ts's packChunks).
 */
export function packPart(bytes: Uint8Array, start: number, end: number): PackedPart {
  const { header, payloadOffset } = readSnapshotHeader(bytes);
  return packChunks(header, bytes.subarray(payloadOffset), start, end);
}

/** Decodes a stored snapshot into an index (see {@link openSnapshot}). */
export async function decodeSnapshot(bytes: Uint8Array): Promise<PartitionedIndex> {
  const inflating = openSnapshot(bytes);
  // Decoding starts as soon as the first chunk is in place (the metadata comes first).
  const index = await PartitionedIndex.deserializeProgressively(inflating.out, inflating.ready);
  await inflating.done;
  return index;
}

let cachedFingerprint: string | undefined;

/**
 * A fingerprint of the index definition, taken by behaviour rather than by declaration: the
 * serialisation of a one-article probe index reflects the fields, stored fields, tokenizer,
 * term processing and the serialisation format itself — everything that decides whether a
 * snapshot can be loaded by this build. (Search-time options such as boosts are not part of a
 * snapshot and rightly do not change it.)
 */
export function indexDefinitionFingerprint(): string {
  if (cachedFingerprint === undefined) {
    const probe = PartitionedIndex.empty();
    probe.applyUpsert(PROBE_ARTICLE);
    // Optional sections (the surface vocabulary) are left out: a snapshot without them still loads.
    cachedFingerprint = sha256(probe.serialize({ surface: false }));
  }
  return cachedFingerprint;
}

const PROBE_ARTICLE: Article = {
  id: 'fingerprint-probe',
  title: "Syria's Café: the Naïve Runners' PEACE-talks",
  paragraphs: ['Jerusalem القدس Genève 2024 running ran runs', 'Ελληνικά Straße 東京 co-operation'],
  caption: 'A caption',
  publishedAt: '2024-11-27T20:30:00Z',
  localTime: '2024-11-27T22:30:00+02:00',
  timeZone: 'Asia/Jerusalem',
  place: 'Jerusalem',
  language: 'en',
  source: 'Probe',
  url: 'https://example.org/probe',
  tags: ['probe'],
  version: 1,
  contentHash: '0'.repeat(64),
  previousHash: null,
  ingestedAt: '2024-11-27T20:31:00Z',
  updatedAt: '2024-11-27T20:31:00Z',
};

async function compress(raw: Uint8Array, compression: SnapshotCompression, quality: number) {
  switch (compression) {
    case 'none':
      return raw;
    case 'gzip':
      return new Uint8Array(await gzipAsync(raw, { level: 6 }));
    case 'br':
      return new Uint8Array(
        await brotliCompressAsync(raw, {
          params: {
            [zlibConstants.BROTLI_PARAM_QUALITY]: quality,
            [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
          },
        }),
      );
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
