import { runToEnd, type Steps } from '@archive/core';
import type MiniSearch from 'minisearch';
import type { IndexedArticle } from '../documents/indexed-article';
import type { TermIds } from '../documents/term-sequences';
import {
  ANALYZER,
  INDEX_DEFINITION_VERSION,
  INDEX_OPTIONS,
  type IndexedFields,
  type SearchField,
} from '../minisearch/index-definition';
import { collectTermEntries, decodeMiniSearch, encodeMiniSearchSteps } from '../minisearch/minisearch-codec';
import { analyseWords } from '../text/analysis';
import { countWords, SurfaceVocabulary } from '../text/surface-vocabulary';
import { VarintReader, VarintWriter } from './varint';

/**
 * The payload of an index snapshot: the MiniSearch index (compact, lazily decoded postings), the
 * per-article metadata, the article texts (decoded only when a snippet or phrase check reads them)
 * and the versions of removed articles. Compression and checksums are the snapshot codec's job
 * (snapshot-codec.ts); this module is only about a layout that loads fast and stays small in memory.
 *
 * Layout: magic "AIX3", then varint-length-prefixed sections: header JSON, metadata JSON
 * (one array per article; its last entry, the time zone, may be missing in older snapshots), body
 * lengths + one UTF-8 run of all bodies, term-sequence lengths + one run of all term sequences,
 * tombstones JSON, MiniSearch, surface vocabulary (text/surface-vocabulary.ts: the folded words of
 * the articles with their article counts, front-coded). Payloads written before the surface section
 * end after MiniSearch; their vocabulary is derived from the articles' texts on first use.
 *
 * Term sequences: per article, the analysed terms of its title then its body as ids in the
 * MiniSearch section's term table (varints: title term count, title ids, body ids). MiniSearch
 * keeps no positions; these let phrase checks compare integers instead of re-analysing the stored
 * text of every candidate (at 100k articles a common-word phrase has ~20k candidates, seconds of
 * analysis). Length 0 means "not recorded": readers fall back to the text.
 */
export interface ArchiveIndexParts {
  miniSearch: MiniSearch<IndexedFields>;
  docs: Iterable<IndexedArticle>;
  /** Highest version of each removed article, so a late redelivery cannot resurrect it. */
  tombstones: Iterable<[string, number]>;
  generation: number;
  /** The surface vocabulary section as read (absent in older payloads; never read by the encoder). */
  surface?: Uint8Array;
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
  /** Absent in snapshots written before the zone was kept. */
  timeZone?: string | null,
  /** Absent in snapshots written before stories, and when the article is its own story. */
  storyId?: string,
];

const MAGIC = new TextEncoder().encode('AIX3');
/** The tags of every article that has none (never mutated: articles are replaced, not edited). */
const NO_TAGS: string[] = Object.freeze([]) as unknown as string[];
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Articles loaded from a snapshot can answer phrase checks from their recorded term sequence. */
export interface SequencedArticle {
  /**
   * Whether the analysed terms of `field` contain `ids` (snapshot term ids) consecutively;
   * undefined when no sequence was recorded.
   */
  containsTermIds(field: SearchField, ids: readonly number[]): boolean | undefined;
  /** The recorded sequence as snapshot term ids (proximity reads it); undefined when none was recorded. */
  termIds(): TermIds | undefined;
}

/** The shared byte runs an article's lazily read parts live in. */
interface SnapshotTexts {
  bodies: Uint8Array;
  sequences: Uint8Array;
}

/**
 * An article loaded from a snapshot. Its body stays UTF-8 bytes in the snapshot buffer until read,
 * so a loaded index holds one byte array of texts instead of one string per article.
 */
class SnapshotArticle implements IndexedArticle, SequencedArticle {
  constructor(
    readonly id: string,
    readonly title: string,
    readonly publishedAt: string,
    readonly timeZone: string | null,
    readonly place: string | null,
    readonly source: string | null,
    readonly language: string,
    readonly tags: string[],
    readonly version: number,
    readonly storyId: string,
    private readonly texts: SnapshotTexts,
    private readonly start: number,
    private readonly end: number,
    private readonly sequenceStart: number,
    private readonly sequenceEnd: number,
  ) {}

  get body(): string {
    return fromUtf8.decode(this.texts.bodies.subarray(this.start, this.end));
  }

  termIds(): TermIds | undefined {
    if (this.sequenceEnd === this.sequenceStart) return undefined;
    const reader = new VarintReader(this.texts.sequences, this.sequenceStart);
    const titleCount = reader.read();
    const ids: number[] = [];
    while (reader.position < this.sequenceEnd) ids.push(reader.read());
    return { ids: Uint32Array.from(ids), titleCount };
  }

  containsTermIds(field: SearchField, ids: readonly number[]): boolean | undefined {
    if (this.sequenceEnd === this.sequenceStart) return undefined;
    const reader = new VarintReader(this.texts.sequences, this.sequenceStart);
    const titleCount = reader.read();
    let remaining = titleCount;
    if (field === 'body') {
      for (let i = 0; i < titleCount; i++) reader.read();
      remaining = Number.POSITIVE_INFINITY;
    }
    // Streaming match with restarts: phrases are at most MAX_PHRASE_TERMS long, so re-checking
    // from each start position over a small window is cheap; keep the last ids.length ids.
    const n = ids.length;
    const window = new Array<number>(n);
    let seen = 0;
    while (remaining > 0 && reader.position < this.sequenceEnd) {
      window[seen % n] = reader.read();
      seen++;
      remaining--;
      if (seen < n) continue;
      let match = true;
      for (let j = 0; j < n; j++) {
        if (window[(seen - n + j) % n] !== ids[j]) {
          match = false;
          break;
        }
      }
      if (match) return true;
    }
    return false;
  }
}

/**
 * Writes the term ids of a title and body (see the layout above; nothing when a term has no id)
 * and counts the article's words into `surface`: one pass of analysis for both.
 */
function encodeSequence(
  doc: IndexedArticle,
  termIds: Map<string, number>,
  out: VarintWriter,
  surface: Map<string, number>,
): void {
  const words = new Set<string>();
  const title = analyseWords(doc.title, ANALYZER, words);
  const body = analyseWords(doc.body, ANALYZER, words);
  countWords(surface, words);
  const ids: number[] = [];
  for (const term of [...title, ...body]) {
    const id = termIds.get(term);
    if (id === undefined) return;
    ids.push(id);
  }
  out.write(title.length);
  for (const id of ids) out.write(id);
}

function writeSection(out: VarintWriter, bytes: Uint8Array): void {
  out.write(bytes.length);
  out.writeBytes(bytes);
}

/** What an encoding leaves out. */
export interface EncodeChoices {
  /**
   * Write the surface vocabulary section (default true). Only the index-definition fingerprint
   * leaves it out: the section is optional to readers, so it must not decide whether a snapshot
   * written before it loads.
   */
  surface?: boolean;
}

export function encodeArchiveIndex(parts: ArchiveIndexParts, choices: EncodeChoices = {}): Uint8Array {
  return runToEnd(encodeArchiveIndexSteps(parts, choices));
}

/**
 * Articles encoded between two pause points of the steps below (a sequence re-analyses the text).
 * One: four of the largest articles the limits accept (~34,000 words each) took ~60 ms a step on
 * a quiet machine, and a pause point costs only a clock read.
 */
const STEP_DOCS = 1;
/** Terms numbered between two pause points. */
const STEP_TERMS = 4096;

/** {@link encodeArchiveIndex} as steps that may be paused (@archive/core's time slices). */
export function* encodeArchiveIndexSteps(
  parts: ArchiveIndexParts,
  choices: EncodeChoices = {},
): Steps<Uint8Array> {
  const docs = [...parts.docs];
  const out = new VarintWriter(1 << 20);
  out.writeBytes(MAGIC);
  const header: Header = {
    definition: INDEX_DEFINITION_VERSION,
    generation: parts.generation,
    docCount: docs.length,
  };
  writeSection(out, utf8.encode(JSON.stringify(header)));
  const metadata: Metadata[] = docs.map((d) => {
    const row: Metadata = [
      d.id,
      d.title,
      d.publishedAt,
      d.place,
      d.source,
      d.language,
      d.tags,
      d.version,
      d.timeZone,
    ];
    // Most articles are their own story: nothing stored then (a few bytes per article saved).
    if (d.storyId !== d.id) row.push(d.storyId);
    return row;
  });
  writeSection(out, utf8.encode(JSON.stringify(metadata)));
  yield;
  const bodies: Uint8Array[] = [];
  for (const doc of docs) {
    if (bodies.push(utf8.encode(doc.body)) % 64 === 0) yield;
  }
  for (const body of bodies) out.write(body.length);
  const total = bodies.reduce((sum, body) => sum + body.length, 0);
  out.write(total);
  for (const body of bodies) out.writeBytes(body);
  const terms = yield* collectTermEntries(parts.miniSearch);
  const termIds = new Map<string, number>();
  for (const [id, [term]] of terms.entries()) {
    if (id % STEP_TERMS === 0) yield;
    termIds.set(term, id);
  }
  const sequences = new VarintWriter(1 << 20);
  const surface = new Map<string, number>();
  for (const [n, doc] of docs.entries()) {
    if (n % STEP_DOCS === 0) yield;
    const start = sequences.position;
    // Nothing is written for an article with an unknown term: length 0, "not recorded".
    encodeSequence(doc, termIds, sequences, surface);
    out.write(sequences.position - start);
  }
  out.write(sequences.position);
  out.writeBytes(sequences.finish());
  writeSection(out, utf8.encode(JSON.stringify([...parts.tombstones])));
  writeSection(out, yield* encodeMiniSearchSteps(parts.miniSearch, terms));
  if (choices.surface !== false) {
    yield;
    writeSection(out, yield* SurfaceVocabulary.encodeCountsSteps(surface));
  }
  return out.finish();
}

/** Reads a payload written by {@link encodeArchiveIndex}; refuses another index definition. */
export function decodeArchiveIndex(bytes: Uint8Array): ArchiveIndexParts {
  const steps = decodeSteps(bytes);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * As {@link decodeArchiveIndex}, on a payload still being decompressed: `ready(end)` resolves once
 * bytes [0, end) are in place. The metadata is decoded while the rest is decompressing.
 */
export async function decodeArchiveIndexProgressively(
  bytes: Uint8Array,
  ready: (end: number) => Promise<void>,
): Promise<ArchiveIndexParts> {
  const steps = decodeSteps(bytes);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await ready(Math.min(step.value, bytes.length));
  }
}

/** Longest LEB128 varint of a value below 2^35 (lengths and counts here are far below). */
const MAX_VARINT = 5;

/** The decoder; yields "bytes up to here are needed next" before reading them. */
function* decodeSteps(bytes: Uint8Array): Generator<number, ArchiveIndexParts, void> {
  yield MAGIC.length + MAX_VARINT;
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new Error('not an archive index payload (bad magic)');
  }
  const reader = new VarintReader(bytes, MAGIC.length);
  function* section(): Generator<number, Uint8Array, void> {
    yield reader.position + MAX_VARINT;
    const length = reader.read();
    yield reader.position + length;
    return reader.readBytes(length);
  }
  const header = JSON.parse(fromUtf8.decode(yield* section())) as Header;
  if (header.definition !== INDEX_DEFINITION_VERSION) {
    throw new Error(
      `index snapshot was built with index definition ${header.definition}, this code uses ${INDEX_DEFINITION_VERSION}; rebuild it`,
    );
  }
  const metadata = JSON.parse(fromUtf8.decode(yield* section())) as Metadata[];
  yield reader.position + MAX_VARINT * (metadata.length + 1);
  const lengths = metadata.map(() => reader.read());
  // Bodies and postings are views into the payload, not copies: they are most of it, so copying
  // them out to free the rest doubled the peak memory of a cold start for little lasting gain.
  const bodies = reader.readBytes(reader.read());
  yield reader.position + MAX_VARINT * (metadata.length + 1);
  const sequenceLengths = metadata.map(() => reader.read());
  const texts: SnapshotTexts = { bodies, sequences: reader.readBytes(reader.read()) };
  let offset = 0;
  let sequenceOffset = 0;
  // Places, sources, languages and empty tag lists repeat across articles: one copy of each
  // (JSON.parse makes a string per occurrence; at 100k articles that is megabytes held for good).
  const shared = new Map<string, string>();
  const intern = <T extends string | null>(value: T): T => {
    if (value === null) return value;
    const known = shared.get(value);
    if (known !== undefined) return known as T;
    shared.set(value, value);
    return value;
  };
  const docs = metadata.map(
    ([id, title, publishedAt, place, source, language, tags, version, zone, storyId], i) => {
      const start = offset;
      offset += lengths[i] ?? 0;
      const sequenceStart = sequenceOffset;
      sequenceOffset += sequenceLengths[i] ?? 0;
      return new SnapshotArticle(
        id,
        title,
        publishedAt,
        intern(zone ?? null),
        intern(place),
        intern(source),
        intern(language),
        tags.length === 0 ? NO_TAGS : tags,
        version,
        storyId ?? id,
        texts,
        start,
        offset,
        sequenceStart,
        sequenceOffset,
      );
    },
  );
  const tombstones = JSON.parse(fromUtf8.decode(yield* section())) as [string, number][];
  const miniSearch = decodeMiniSearch(yield* section(), INDEX_OPTIONS);
  // Kept as bytes: the vocabulary is built on the first fuzzy query (surface-vocabulary.ts).
  const surface = reader.position < bytes.length ? yield* section() : undefined;
  return { miniSearch, docs, tombstones, generation: header.generation, ...(surface ? { surface } : {}) };
}
