import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip } from 'node:zlib';
import type { SnapshotCompression, SnapshotHeader } from './snapshot-header';

/**
 * The chunks of a snapshot payload (snapshot-codec.ts): where they are cut, how they inflate in
 * parallel into one buffer, and how a range of them (a partition's) is packed for another thread
 * to inflate. Kept apart from the codec's header, checksum and encoding.
 */

export class SnapshotFormatError extends Error {
  override readonly name = 'SnapshotFormatError';
}

/**
 * Raw bytes per independently compressed chunk: chunks compress and decompress in parallel on the
 * libuv pool (a cold start decompresses ~150 MB at 100k articles, about a second on one core),
 * for ~1% more stored bytes.
 */
export const CHUNK_RAW_BYTES = 16 << 20;
/** Chunks decompressed at once (the libuv pool has 4 threads; Lambda and this machine have ~2 cores). */
const PARALLEL_DECOMPRESSORS = 3;

/** Chunks of at most `size` bytes, cut at every boundary too. */
export function chunksOf(raw: Uint8Array, size: number, boundaries: readonly number[]): Uint8Array[] {
  const cuts = [...new Set([...boundaries, raw.byteLength])].filter((b) => b > 0 && b <= raw.byteLength);
  cuts.sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of cuts) {
    for (; at < cut; at = Math.min(at + size, cut)) chunks.push(raw.subarray(at, Math.min(at + size, cut)));
  }
  return chunks.length > 0 ? chunks : [raw];
}

/** Where each chunk's raw bytes lie in the payload, and where its stored bytes lie in the stored payload. */
export function chunkLayout(
  header: SnapshotHeader,
): { rawStart: number; rawEnd: number; storedStart: number; storedEnd: number }[] {
  const stored = header.chunks ?? [header.storedBytes];
  const rawSizes =
    header.chunkRaw ??
    stored.map((_, i) =>
      header.chunks
        ? Math.min(header.chunkRawBytes ?? 0, header.rawBytes - i * (header.chunkRawBytes ?? 0))
        : header.rawBytes,
    );
  let raw = 0;
  let at = 0;
  return stored.map((length, i) => {
    const chunk = {
      rawStart: raw,
      rawEnd: raw + (rawSizes[i] ?? 0),
      storedStart: at,
      storedEnd: at + length,
    };
    raw = chunk.rawEnd;
    at = chunk.storedEnd;
    return chunk;
  });
}

/** A payload being decompressed into `out`. */
export interface Inflation {
  out: Uint8Array;
  /** Resolves once bytes [0, end) of `out` are in place. */
  ready(end: number): Promise<void>;
  /** Resolves once all of `out` is. */
  done: Promise<void>;
}

/**
 * Starts decompressing a payload into one buffer of the raw size, chunks in order and a few in
 * parallel, so the caller can decode the first sections while the later ones are still inflating.
 */
export function startDecompression(stored: Uint8Array, header: SnapshotHeader): Inflation {
  if (header.compression === 'none') {
    if (stored.byteLength !== header.rawBytes) {
      throw new SnapshotFormatError('snapshot payload has the wrong length');
    }
    const done = Promise.resolve();
    return { out: stored, ready: () => done, done };
  }
  const out = new Uint8Array(header.rawBytes);
  const layout = checkedLayout(header, stored.byteLength);
  const jobs: (() => Promise<void>)[] = [];
  const finished: Promise<void>[] = [];
  for (const chunk of layout) {
    const input = stored.subarray(chunk.storedStart, chunk.storedEnd);
    const target = out.subarray(chunk.rawStart, chunk.rawEnd);
    let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    const chunkDone = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    chunkDone.catch(() => {}); // observed through `ready`/`done`; never an unhandled rejection
    finished.push(chunkDone);
    jobs.push(() =>
      decompress(input, header.compression, target).then(settle?.resolve, (error) => {
        settle?.reject(error);
      }),
    );
  }
  // A few at a time, in order: each decompressor holds its window and output chunk (several MB).
  const next = async (): Promise<void> => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await job();
  };
  for (let i = 0; i < PARALLEL_DECOMPRESSORS; i++) void next();
  const done = Promise.all(finished).then(() => {});
  done.catch(() => {});
  return {
    out,
    ready: (end) => Promise.all(finished.filter((_, i) => (layout[i]?.rawStart ?? 0) < end)).then(() => {}),
    done,
  };
}

function checkedLayout(header: SnapshotHeader, storedBytes: number) {
  const layout = chunkLayout(header);
  const last = layout.at(-1);
  if (
    !last ||
    last.storedEnd !== storedBytes ||
    last.rawEnd !== header.rawBytes ||
    layout.some((c) => c.rawEnd <= c.rawStart)
  ) {
    throw new SnapshotFormatError('snapshot chunk table does not match the payload');
  }
  return layout;
}

/**
 * The compressed bytes of raw range [start, end) of a verified snapshot, packed to be inflated in
 * another thread ({@link inflatePart}): a partition's share. `start` and `end` must be chunk
 * boundaries (encodeSnapshot cuts chunks at the boundaries the payload gives, see chunkRaw).
 */
export interface PackedPart {
  compression: SnapshotCompression;
  rawBytes: number;
  /** Raw and stored length of each chunk, in order. */
  chunks: [raw: number, stored: number][];
  /** The chunks' stored bytes, one after the other, in a buffer of their own (transferable). */
  stored: Uint8Array;
}

export function packChunks(
  header: SnapshotHeader,
  payload: Uint8Array,
  start: number,
  end: number,
): PackedPart {
  if (header.compression === 'none') {
    return {
      compression: 'none',
      rawBytes: end - start,
      chunks: [[end - start, end - start]],
      stored: copyOf(payload.subarray(start, end)),
    };
  }
  const layout = checkedLayout(header, payload.byteLength).filter(
    (c) => c.rawStart >= start && c.rawEnd <= end,
  );
  const first = layout[0];
  const last = layout.at(-1);
  if (!first || !last || first.rawStart !== start || last.rawEnd !== end) {
    throw new SnapshotFormatError(`snapshot chunks are not cut at ${start}..${end}`);
  }
  return {
    compression: header.compression,
    rawBytes: end - start,
    chunks: layout.map((c) => [c.rawEnd - c.rawStart, c.storedEnd - c.storedStart]),
    stored: copyOf(payload.subarray(first.storedStart, last.storedEnd)),
  };
}

/**
 * A copy in a buffer of its own, whatever `bytes` is: `Buffer#slice` returns a view, and moving a
 * view's buffer to a worker would take the whole snapshot with it.
 */
function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/** Inflates a {@link PackedPart} into one buffer of its raw size. */
export async function inflatePart(part: PackedPart): Promise<Uint8Array> {
  if (part.compression === 'none') return part.stored;
  const out = new Uint8Array(part.rawBytes);
  let raw = 0;
  let stored = 0;
  const jobs: Promise<void>[] = [];
  for (const [rawLength, storedLength] of part.chunks) {
    jobs.push(
      decompress(
        part.stored.subarray(stored, stored + storedLength),
        part.compression,
        out.subarray(raw, raw + rawLength),
      ),
    );
    raw += rawLength;
    stored += storedLength;
  }
  await Promise.all(jobs);
  return out;
}

function decompress(stored: Uint8Array, compression: SnapshotCompression, target: Uint8Array): Promise<void> {
  switch (compression) {
    case 'gzip':
      return inflateInto(createGunzip({ chunkSize: DECOMPRESS_CHUNK }), stored, target);
    case 'br':
      return inflateInto(createBrotliDecompress({ chunkSize: DECOMPRESS_CHUNK }), stored, target);
    default:
      return Promise.reject(new SnapshotFormatError(`unknown snapshot compression ${String(compression)}`));
  }
}

/** Output chunk of the streaming decompressors. */
const DECOMPRESS_CHUNK = 256 << 10;

/**
 * Decompresses straight into one buffer of the known raw size. The one-shot zlib calls collect
 * chunks and concatenate them, holding the payload twice at the peak of a cold start (about
 * 120 MB more at 100k articles); streaming into a preallocated buffer holds it once.
 */
function inflateInto(stream: Transform, stored: Uint8Array, out: Uint8Array): Promise<void> {
  const rawBytes = out.byteLength;
  let offset = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      stream.destroy();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (offset + chunk.byteLength > rawBytes) {
        fail(new SnapshotFormatError('snapshot payload has the wrong length'));
        return;
      }
      out.set(chunk, offset);
      offset += chunk.byteLength;
    });
    stream.on('error', (error) => fail(new SnapshotFormatError(`snapshot payload: ${error.message}`)));
    stream.on('end', () => {
      if (offset !== rawBytes) reject(new SnapshotFormatError('snapshot payload has the wrong length'));
      else resolve();
    });
    stream.end(stored);
  });
}
