import { runToEnd, type Steps } from '@archive/core';
import MiniSearch, { type Options } from 'minisearch';
import { decodeShortUtf8, VarintReader, VarintWriter } from '../snapshot/varint';
import { adoptFieldLengths, adoptSortedTerms, sortedTermEntries, stateOf } from './minisearch-internals';
import { DenseFieldLengths, LazyTermData } from './minisearch-lazy-state';

export { LazyTermData } from './minisearch-lazy-state';

/**
 * A compact binary snapshot of a MiniSearch index, loaded with lazily decoded postings.
 *
 * Why: `MiniSearch.loadJSON` materialises one `Map` per (term, field) and one entry per posting
 * before the first query can run; at 100k articles that is seconds and gigabytes. This codec keeps
 * all postings in one byte buffer (delta + varint coded) and gives MiniSearch, for each term, a
 * {@link LazyTermData} that decodes its postings on first use. Loading builds only the term tree,
 * straight from the sorted term table (minisearch-internals' adoptSortedTerms).
 *
 * It reads and restores MiniSearch's private state through `minisearch-internals.ts` (the one
 * description of MiniSearch 7.2's internals); `minisearch-codec.test.ts` pins the behaviour it
 * relies on, so an upgrade that changes the internals fails there first.
 *
 * Layout (all integers are unsigned LEB128 varints):
 *   magic "MSC1", header length, header JSON (counts, fieldIds, averageFieldLength, dirtCount)
 *   documents: count, then per document: shortId delta, id length + UTF-8 id, field lengths
 *   terms: count, then per term in UTF-16 code unit order: UTF-8 length + bytes, postings length +
 *     postings bytes (older snapshots, in tree order, load through MiniSearch's own inserts)
 *   postings of a term: field count, then per field: fieldId, doc count, per doc: shortId delta, freq
 */

interface Header {
  documentCount: number;
  nextId: number;
  fieldIds: Record<string, number>;
  averageFieldLength: number[];
  dirtCount: number;
  fieldCount: number;
}

type TermData = Map<number, Map<number, number>>;

const MAGIC = new TextEncoder().encode('MSC1');
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Encodes a MiniSearch index. Stored fields are not supported (keep document metadata outside the
 * index); ids must be strings.
 *
 * @example const bytes = encodeMiniSearch(miniSearch); const copy = decodeMiniSearch(bytes, options);
 */
// biome-ignore lint/suspicious/noExplicitAny: any document type encodes the same way.
export function encodeMiniSearch(index: MiniSearch<any>): Uint8Array {
  return runToEnd(encodeMiniSearchSteps(index));
}

/** Items (documents, terms) encoded between two pause points of the steps below. */
const STEP_ITEMS = 512;

/**
 * {@link encodeMiniSearch} as steps that may be paused (@archive/core's time slices). `terms` are
 * the index's entries in snapshot order when the caller already collected them.
 */
export function* encodeMiniSearchSteps(
  // biome-ignore lint/suspicious/noExplicitAny: any document type encodes the same way.
  index: MiniSearch<any>,
  terms?: readonly (readonly [string, unknown])[],
): Steps<Uint8Array> {
  const ms = stateOf(index);
  if ([...ms._storedFields.values()].some((fields) => fields && Object.keys(fields).length > 0)) {
    throw new Error('encodeMiniSearch: stored fields are not supported; keep metadata outside the index');
  }
  const fieldCount = Object.keys(ms._fieldIds).length;
  const header: Header = {
    documentCount: ms._documentCount,
    nextId: ms._nextId,
    fieldIds: ms._fieldIds,
    averageFieldLength: ms._avgFieldLength,
    dirtCount: ms._dirtCount,
    fieldCount,
  };
  const out = new VarintWriter(1 << 20);
  out.writeBytes(MAGIC);
  const headerBytes = utf8.encode(JSON.stringify(header));
  out.write(headerBytes.length);
  out.writeBytes(headerBytes);

  const shortIds = [...ms._documentIds.keys()].sort((a, b) => a - b);
  out.write(shortIds.length);
  let previous = 0;
  for (const [n, shortId] of shortIds.entries()) {
    if (n % STEP_ITEMS === 0) yield;
    const id = ms._documentIds.get(shortId);
    if (typeof id !== 'string') throw new Error('encodeMiniSearch: document ids must be strings');
    out.write(shortId - previous);
    previous = shortId;
    const idBytes = utf8.encode(id);
    out.write(idBytes.length);
    out.writeBytes(idBytes);
    const lengths = ms._fieldLength.get(shortId) ?? [];
    for (let field = 0; field < fieldCount; field++) out.write(lengths[field] ?? 0);
  }

  // In code-unit order: the decoder builds the radix tree straight from a sorted list.
  const entries = terms ?? (yield* collectTermEntries(index));
  out.write(entries.length);
  const postings = new VarintWriter(1 << 12);
  for (const [n, [term, data]] of entries.entries()) {
    if (n % STEP_ITEMS === 0) yield;
    const termBytes = utf8.encode(term);
    out.write(termBytes.length);
    out.writeBytes(termBytes);
    const start = postings.position;
    encodeTermData(data as TermData, postings);
    out.write(postings.position - start);
  }
  out.write(postings.position);
  out.writeBytes(postings.finish());
  return out.finish();
}

/** The index's terms and their data in snapshot order, as steps. */
// biome-ignore lint/suspicious/noExplicitAny: any document type encodes the same way.
export function* collectTermEntries(index: MiniSearch<any>): Steps<[string, unknown][]> {
  const entries: [string, unknown][] = [];
  for (const entry of sortedTermEntries(index)) {
    if (entries.push(entry) % STEP_ITEMS === 0) yield;
  }
  return entries;
}

function encodeTermData(data: TermData, out: VarintWriter): void {
  out.write(data.size);
  for (const [fieldId, docs] of data) {
    out.write(fieldId);
    out.write(docs.size);
    let previous = 0;
    for (const shortId of [...docs.keys()].sort((a, b) => a - b)) {
      out.write(shortId - previous);
      previous = shortId;
      out.write(docs.get(shortId) ?? 0);
    }
  }
}

/**
 * Id of a term in the snapshot an index was decoded from, or undefined when the term was not in
 * it (added since; then no document loaded from the snapshot and unchanged since contains it).
 */
// biome-ignore lint/suspicious/noExplicitAny: any document type decodes the same way.
export function snapshotTermId(index: MiniSearch<any>, term: string): number | undefined {
  const data = stateOf(index)._index.get(term);
  return data instanceof LazyTermData ? data.termId : undefined;
}

/**
 * Loads an index written by {@link encodeMiniSearch}. `options` must be the ones the index was
 * built with (the single index definition), as for `MiniSearch.loadJSON`.
 */
export function decodeMiniSearch<T>(bytes: Uint8Array, options: Options<T>): MiniSearch<T> {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new Error('decodeMiniSearch: not a MiniSearch snapshot (bad magic)');
  }
  const reader = new VarintReader(bytes, MAGIC.length);
  const header = JSON.parse(fromUtf8.decode(reader.readBytes(reader.read()))) as Header;
  const index = new MiniSearch<T>(options);
  const ms = stateOf(index);
  ms._documentCount = header.documentCount;
  ms._nextId = header.nextId;
  ms._fieldIds = header.fieldIds;
  ms._avgFieldLength = header.averageFieldLength;
  ms._dirtCount = header.dirtCount;

  const documentCount = reader.read();
  const dense = new Uint32Array(Math.max(header.nextId, 1) * header.fieldCount);
  const present = new Uint8Array(Math.max(header.nextId, 1));
  let shortId = 0;
  for (let d = 0; d < documentCount; d++) {
    shortId += reader.read();
    const id = decodeShortUtf8(reader.readBytes(reader.read()));
    for (let field = 0; field < header.fieldCount; field++) {
      dense[shortId * header.fieldCount + field] = reader.read();
    }
    present[shortId] = 1;
    ms._documentIds.set(shortId, id);
    ms._idToShortId.set(id, shortId);
  }
  ms._fieldLength = new DenseFieldLengths(dense, header.fieldCount, present, documentCount) as unknown as Map<
    number,
    number[]
  >;

  const termCount = reader.read();
  const terms = new Array<string>(termCount);
  const offsets = new Array<number>(termCount);
  let offset = 0;
  for (let t = 0; t < termCount; t++) {
    terms[t] = decodeShortUtf8(reader.readBytes(reader.read()));
    offsets[t] = offset;
    offset += reader.read();
  }
  const postings = reader.readBytes(reader.read());
  const data = terms.map((_, t) => new LazyTermData(postings, offsets[t] as number, t) as TermData);
  if (isSorted(terms)) adoptSortedTerms(index, terms, data);
  else for (let t = 0; t < termCount; t++) ms._index.set(terms[t] as string, data[t] as TermData);
  adoptFieldLengths(index, dense);
  return index;
}

/** Snapshots written before terms were sorted load through MiniSearch's own inserts. */
function isSorted(terms: readonly string[]): boolean {
  for (let t = 1; t < terms.length; t++) if ((terms[t - 1] as string) >= (terms[t] as string)) return false;
  return true;
}
