/**
 * The snapshot file: a small self-describing header in front of the index's own serialisation,
 * compressed. Layout:
 *
 *     "AXSN" | u32 BE header length | header (UTF-8 JSON) | payload (compressed)
 *
 * The header carries the format version, the compression, the index-definition fingerprint
 * (a snapshot built with other analysis options must never be loaded), the raw and stored
 * lengths, the SHA-256 of the stored payload (checked before anything is decoded) and, for payloads
 * compressed in independent chunks, the chunk table.
 */
export type SnapshotCompression = 'br' | 'gzip' | 'none';

export interface SnapshotHeader {
  format: 1;
  compression: SnapshotCompression;
  definitionFingerprint: string;
  articleCount: number;
  rawBytes: number;
  storedBytes: number;
  sha256: string;
  /**
   * Present when the payload was compressed in independent chunks of `chunkRawBytes` raw bytes
   * (the last one shorter): the stored length of each, in order. Absent: one compressed stream.
   */
  chunks?: number[];
  chunkRawBytes?: number;
  /**
   * Raw length of each chunk, when chunks are not all `chunkRawBytes` long: a chunk never straddles
   * a boundary the payload asked for (a partition's start), so a partition's bytes can be inflated
   * by the worker thread that decodes it (partitions/worker-loader.ts).
   */
  chunkRaw?: number[];
}
