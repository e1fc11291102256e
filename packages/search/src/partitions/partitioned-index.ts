import type { Article } from '@archive/core';
import { ArchiveIndex } from '../documents/archive-index';
import type { EncodeChoices } from '../snapshot/archive-index-codec';
import { VarintReader, VarintWriter } from '../snapshot/varint';
import { type PartitionPeriod, partitionOf } from './period';
import { ThreadSearch } from './thread-search';

/**
 * THE search index of the archive: time partitions (one {@link ArchiveIndex} per period of
 * publication time, a year by default), searched together so that every answer equals what one
 * index over the whole archive would give (coordinator.ts). The indexer, the loader, reindex and the
 * local runtime all work with this class.
 *
 * Why partitions: the work of keeping the index grows with the archive, but not evenly.
 * - A publication re-encodes only the partitions that changed (new dispatches land in the
 *   current period), not the whole archive: the rest is the bytes it was loaded from.
 * - A search function can load and query partitions on several threads at once (worker-host.ts),
 *   which divides cold start and broad-query latency by the number of vCPUs.
 * - A date-filtered query skips the partitions outside its range.
 *
 * An article never moves: its id is derived from its title and publication instant, so an id's
 * partition is fixed. Removals of ids never seen are kept as tombstones here, so that a late
 * redelivery of an older upsert cannot resurrect them.
 *
 * @example
 * const index = PartitionedIndex.empty();
 * index.applyUpsert(article);
 * index.query({ q: 'geneva', sort: 'newest' });
 */
export class PartitionedIndex extends ThreadSearch {
  private readonly partitions: Map<string, ArchiveIndex>;
  /** Versions of removals of ids no partition has seen. */
  private readonly orphanTombstones = new Map<string, number>();
  /**
   * Payload of each partition as last encoded or loaded, with the partition version it was made
   * at: unchanged partitions are not encoded again. Loaded payloads are views of the snapshot
   * buffer that the partition's texts and postings already keep alive, so this costs no memory.
   */
  private readonly payloads = new Map<string, { version: string; bytes: Uint8Array }>();
  private generation = 0;

  private constructor(readonly period: PartitionPeriod) {
    const partitions = new Map<string, ArchiveIndex>();
    super(partitions);
    this.partitions = partitions;
  }

  static empty(period: PartitionPeriod = DEFAULT_PARTITION_PERIOD): PartitionedIndex {
    return new PartitionedIndex(period);
  }

  /** Live articles. */
  get size(): number {
    let n = 0;
    for (const partition of this.partitions.values()) n += partition.size;
    return n;
  }

  /** Counts applied changes (cursors and health report it). */
  get indexVersion(): string {
    return String(this.generation);
  }

  /** The partitions, oldest first. */
  partitionKeys(): string[] {
    return [...this.partitions.keys()].sort();
  }

  partition(key: string): ArchiveIndex | undefined {
    return this.partitions.get(key);
  }

  /** Highest version applied for an id (an article that moved leaves a tombstone behind). */
  versionOf(id: string): number | undefined {
    let highest = this.orphanTombstones.get(id);
    for (const partition of this.partitions.values()) {
      const version = partition.versionOf(id);
      if (version !== undefined && (highest === undefined || version > highest)) highest = version;
    }
    return highest;
  }

  /** Removals of ids no partition has seen, with their versions. */
  orphanRemovals(): [string, number][] {
    return [...this.orphanTombstones];
  }

  has(id: string): boolean {
    for (const partition of this.partitions.values()) if (partition.has(id)) return true;
    return false;
  }

  /**
   * The partition holding a live article. Asking each partition costs a lookup per partition (a
   * few), where a map of every id would cost memory and load time per article.
   */
  private keyOf(id: string): string | undefined {
    for (const [key, partition] of this.partitions) if (partition.has(id)) return key;
    return undefined;
  }

  /** Adds or replaces an article unless a same-or-newer version was already applied. */
  applyUpsert(article: Article): boolean {
    const seen = this.versionOf(article.id);
    if (seen !== undefined && seen >= article.version) return false;
    const key = partitionOf(article.publishedAt, this.period);
    const previousKey = this.keyOf(article.id);
    if (previousKey !== undefined && previousKey !== key) {
      // Ids carry their instant, so this needs a hand-made id; handled rather than assumed away.
      this.partitions.get(previousKey)?.applyRemove(article.id, article.version);
    }
    let partition = this.partitions.get(key);
    if (!partition) {
      partition = ArchiveIndex.empty();
      this.partitions.set(key, partition);
    }
    if (!partition.applyUpsert(article)) return false;
    this.orphanTombstones.delete(article.id);
    this.changed();
    return true;
  }

  /** Removes an article unless a newer version was already applied. */
  applyRemove(id: string, version: number): boolean {
    const seen = this.versionOf(id);
    if (seen !== undefined && seen > version) return false;
    const key = this.keyOf(id);
    if (key === undefined) this.orphanTombstones.set(id, Math.max(seen ?? 0, version));
    else this.partitions.get(key)?.applyRemove(id, version);
    this.changed();
    return true;
  }

  private changed(): void {
    this.generation++;
    this.invalidate();
  }

  /**
   * The snapshot payload: a header, then each partition's own payload (archive-index-codec.ts).
   * Compression and checksums are the snapshot codec's job.
   *
   * Layout: magic "APX1", varint header length, header JSON ({@link ContainerHeader}), payloads.
   */
  serialize(choices: EncodeChoices = {}): Uint8Array {
    return this.serializeForSnapshot(choices).raw;
  }

  /**
   * The payload, its article count and where each partition starts: the snapshot codec cuts its
   * compressed chunks there, so a worker thread can inflate just its partitions.
   */
  serializeForSnapshot(choices: EncodeChoices = {}): {
    raw: Uint8Array;
    articleCount: number;
    boundaries: number[];
  } {
    const keys = this.partitionKeys();
    const payloads = keys.map((key) =>
      choices.surface === false
        ? (this.partitions.get(key) as ArchiveIndex).serialize(choices)
        : this.payloadOf(key),
    );
    const header: ContainerHeader = {
      period: this.period,
      generation: this.generation,
      orphanTombstones: [...this.orphanTombstones],
      partitions: keys.map((key, i) => ({ key, bytes: (payloads[i] as Uint8Array).byteLength })),
    };
    const out = new VarintWriter(1 << 16);
    out.writeBytes(MAGIC);
    const headerBytes = new TextEncoder().encode(JSON.stringify(header));
    out.write(headerBytes.byteLength);
    out.writeBytes(headerBytes);
    const head = out.finish();
    const all = new Uint8Array(head.byteLength + payloads.reduce((sum, p) => sum + p.byteLength, 0));
    all.set(head, 0);
    const boundaries: number[] = [];
    let at = head.byteLength;
    for (const payload of payloads) {
      boundaries.push(at);
      all.set(payload, at);
      at += payload.byteLength;
    }
    return { raw: all, articleCount: this.size, boundaries };
  }

  private payloadOf(key: string): Uint8Array {
    const partition = this.partitions.get(key) as ArchiveIndex;
    const cached = this.payloads.get(key);
    if (cached && cached.version === partition.indexVersion) return cached.bytes;
    const bytes = partition.serialize();
    this.payloads.set(key, { version: partition.indexVersion, bytes });
    return bytes;
  }

  /** Loads a payload written by {@link serialize}. */
  static deserialize(bytes: Uint8Array): PartitionedIndex {
    const { header, offset } = readContainerHeader(bytes);
    return PartitionedIndex.assemble(
      header,
      partitionRanges(header, offset).map(({ key, start, end }) => {
        const payload = bytes.subarray(start, end);
        return [key, ArchiveIndex.deserialize(payload), payload] as const;
      }),
    );
  }

  /**
   * As {@link deserialize}, on a payload still being decompressed (snapshot-codec.ts): `ready(end)`
   * resolves once bytes [0, end) are in place, so early partitions decode while later ones inflate.
   */
  static async deserializeProgressively(
    bytes: Uint8Array,
    ready: (end: number) => Promise<void>,
  ): Promise<PartitionedIndex> {
    await ready(Math.min(bytes.byteLength, CONTAINER_PREAMBLE));
    const headerEnd = containerHeaderEnd(bytes);
    await ready(headerEnd);
    const { header, offset } = readContainerHeader(bytes);
    const loaded: [string, ArchiveIndex, Uint8Array][] = [];
    for (const { key, start, end } of partitionRanges(header, offset)) {
      const payload = bytes.subarray(start, end);
      loaded.push([
        key,
        await ArchiveIndex.deserializeProgressively(payload, (e) => ready(start + e)),
        payload,
      ]);
    }
    return PartitionedIndex.assemble(header, loaded);
  }

  private static assemble(
    header: ContainerHeader,
    partitions: readonly (readonly [string, ArchiveIndex, Uint8Array])[],
  ): PartitionedIndex {
    const index = new PartitionedIndex(header.period);
    for (const [key, partition, payload] of partitions) {
      index.partitions.set(key, partition);
      index.payloads.set(key, { version: partition.indexVersion, bytes: payload });
    }
    for (const [id, version] of header.orphanTombstones) index.orphanTombstones.set(id, version);
    index.generation = header.generation;
    return index;
  }
}

/**
 * Years. Every query visits every partition's vocabulary (statistics, prefix and fuzzy expansion),
 * so that part of its cost grows with the number of partitions, while the rest (postings, facets)
 * does not: partitions should be large. At 100k articles over four years, quarters made fuzzy
 * queries 2.4× and multi-word queries 1.5× slower than years (docs/SCALING.md).
 */
export const DEFAULT_PARTITION_PERIOD: PartitionPeriod = 'year';

interface ContainerHeader {
  period: PartitionPeriod;
  generation: number;
  orphanTombstones: [string, number][];
  /** In key order; `bytes` is the length of each partition's payload. */
  partitions: { key: string; bytes: number }[];
}

const MAGIC = new TextEncoder().encode('APX1');

/** Bytes that hold the magic and the header's length. */
const CONTAINER_PREAMBLE = MAGIC.length + 5;

/** Where the container header ends (needs {@link CONTAINER_PREAMBLE} bytes). */
function containerHeaderEnd(bytes: Uint8Array): number {
  checkMagic(bytes);
  const reader = new VarintReader(bytes, MAGIC.length);
  const length = reader.read();
  return reader.position + length;
}

function checkMagic(bytes: Uint8Array): void {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new Error('not a partitioned index payload (bad magic)');
  }
}

/** The header of a partitioned payload and where the partition payloads start. */
export function readContainerHeader(bytes: Uint8Array): { header: ContainerHeader; offset: number } {
  checkMagic(bytes);
  const reader = new VarintReader(bytes, MAGIC.length);
  const header = JSON.parse(new TextDecoder().decode(reader.readBytes(reader.read()))) as ContainerHeader;
  return { header, offset: reader.position };
}

/** Where each partition's payload lies in the container. */
export function partitionRanges(
  header: ContainerHeader,
  offset: number,
): { key: string; start: number; end: number }[] {
  let at = offset;
  return header.partitions.map(({ key, bytes }) => {
    const range = { key, start: at, end: at + bytes };
    at += bytes;
    return range;
  });
}
