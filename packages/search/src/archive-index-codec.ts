import type MiniSearch from 'minisearch';
import type { IndexedArticle } from './archive-index';
import { INDEX_DEFINITION_VERSION, INDEX_OPTIONS, type IndexedFields } from './index-definition';
import { decodeMiniSearch, encodeMiniSearch } from './minisearch-codec';
import { VarintReader, VarintWriter } from './varint';

/**
 * The payload of an index snapshot: the MiniSearch index (compact, lazily decoded postings), the
 * per-article metadata, the article texts (decoded only when a snippet or phrase check reads them)
 * and the versions of removed articles. Compression and checksums are the snapshot codec's job
 * (snapshot-codec.ts); this module is only about a layout that loads fast and stays small in memory.
 *
 * Layout: magic "AIX2", then varint-length-prefixed sections: header JSON, metadata JSON
 * (one array per article), body lengths + one UTF-8 run of all bodies, tombstones JSON, MiniSearch.
 */
export interface ArchiveIndexParts {
  miniSearch: MiniSearch<IndexedFields>;
  docs: Iterable<IndexedArticle>;
  /** Highest version of each removed article, so a late redelivery cannot resurrect it. */
  tombstones: Iterable<[string, number]>;
  generation: number;
}

interface Header {
  definition: number;
  generation: number;
  docCount: number;
}

type Metadata = [
  id: string,
  title: string,
  publishedAt: string,
  place: string | null,
  source: string | null,
  language: string,
  tags: string[],
  version: number,
];

const MAGIC = new TextEncoder().encode('AIX2');
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * An article loaded from a snapshot. Its body stays UTF-8 bytes in the snapshot buffer until read,
 * so a loaded index holds one byte array of texts instead of one string per article.
 */
class SnapshotArticle implements IndexedArticle {
  constructor(
    readonly id: string,
    readonly title: string,
    readonly publishedAt: string,
    readonly place: string | null,
    readonly source: string | null,
    readonly language: string,
    readonly tags: string[],
    readonly version: number,
    private readonly bodies: Uint8Array,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get body(): string {
    return fromUtf8.decode(this.bodies.subarray(this.start, this.end));
  }
}

function writeSection(out: VarintWriter, bytes: Uint8Array): void {
  out.write(bytes.length);
  out.writeBytes(bytes);
}

export function encodeArchiveIndex(parts: ArchiveIndexParts): Uint8Array {
  const docs = [...parts.docs];
  const out = new VarintWriter(1 << 20);
  out.writeBytes(MAGIC);
  const header: Header = {
    definition: INDEX_DEFINITION_VERSION,
    generation: parts.generation,
    docCount: docs.length,
  };
  writeSection(out, utf8.encode(JSON.stringify(header)));
  const metadata: Metadata[] = docs.map((d) => [
    d.id,
    d.title,
    d.publishedAt,
    d.place,
    d.source,
    d.language,
    d.tags,
    d.version,
  ]);
  writeSection(out, utf8.encode(JSON.stringify(metadata)));
  const bodies = docs.map((d) => utf8.encode(d.body));
  for (const body of bodies) out.write(body.length);
  const total = bodies.reduce((sum, body) => sum + body.length, 0);
  out.write(total);
  for (const body of bodies) out.writeBytes(body);
  writeSection(out, utf8.encode(JSON.stringify([...parts.tombstones])));
  writeSection(out, encodeMiniSearch(parts.miniSearch));
  return out.finish();
}

/** Reads a payload written by {@link encodeArchiveIndex}; refuses another index definition. */
export function decodeArchiveIndex(bytes: Uint8Array): ArchiveIndexParts {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new Error('not an archive index payload (bad magic)');
  }
  const reader = new VarintReader(bytes, MAGIC.length);
  const section = () => reader.readBytes(reader.read());
  const header = JSON.parse(fromUtf8.decode(section())) as Header;
  if (header.definition !== INDEX_DEFINITION_VERSION) {
    throw new Error(
      `index snapshot was built with index definition ${header.definition}, this code uses ${INDEX_DEFINITION_VERSION}; rebuild it`,
    );
  }
  const metadata = JSON.parse(fromUtf8.decode(section())) as Metadata[];
  const lengths = metadata.map(() => reader.read());
  // Bodies and postings are views into the payload, not copies: they are most of it, so copying
  // them out to free the rest doubled the peak memory of a cold start for little lasting gain.
  const bodies = reader.readBytes(reader.read());
  let offset = 0;
  const docs = metadata.map(([id, title, publishedAt, place, source, language, tags, version], i) => {
    const start = offset;
    offset += lengths[i] ?? 0;
    return new SnapshotArticle(
      id,
      title,
      publishedAt,
      place,
      source,
      language,
      tags,
      version,
      bodies,
      start,
      offset,
    );
  });
  const tombstones = JSON.parse(fromUtf8.decode(section())) as [string, number][];
  const miniSearch = decodeMiniSearch(section(), INDEX_OPTIONS);
  return { miniSearch, docs, tombstones, generation: header.generation };
}
