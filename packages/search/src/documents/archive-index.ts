import { type Article, runToEnd, type Steps } from '@archive/core';
import MiniSearch from 'minisearch';
import {
  ANALYZER,
  INDEX_OPTIONS,
  type IndexedFields,
  type SearchField,
} from '../minisearch/index-definition';
import { snapshotTermId } from '../minisearch/minisearch-codec';
import { shortIdOf } from '../minisearch/minisearch-internals';
import {
  type ArchiveIndexParts,
  decodeArchiveIndex,
  decodeArchiveIndexProgressively,
  type EncodeChoices,
  encodeArchiveIndexSteps,
  type SequencedArticle,
} from '../snapshot/archive-index-codec';
import { SurfaceVocabulary } from '../text/surface-vocabulary';
import { FacetCodes } from './facets';
import { type DatedArticle, type IndexedArticle, toIndexedArticle } from './indexed-article';
import { containsRun, fieldRange, type TermIds, TermSequences, type TermTable } from './term-sequences';

/**
 * The in-memory search index: a MiniSearch index over title and body (analysis and options from
 * `index-definition.ts`), the per-article metadata and text search needs (kept here, not in
 * MiniSearch's stored fields, so the snapshot codec can encode it compactly), and the highest
 * version seen per article (tombstones included) so change records apply idempotently and in any
 * order across articles.
 */
export class ArchiveIndex {
  private readonly miniSearch: MiniSearch<IndexedFields>;
  /**
   * Version of each removed article, so that a late redelivery of an older upsert cannot bring it
   * back. Live articles carry their version; ids are found through MiniSearch's own id map, so a
   * loaded index keeps no other map keyed by id (each costs ~8 MB and 100k inserts at 100k articles).
   */
  private readonly tombstones = new Map<string, number>();
  private liveCount = 0;
  /** Counts applied changes; part of {@link indexVersion}. */
  private generation = 0;
  /** Articles by (publishedAt, id), rebuilt lazily after changes (bulk builds stay O(n log n)). */
  private dateOrder: DatedArticle[] | null = null;
  /**
   * Live articles and their publication instants by MiniSearch short id: the engine resolves every
   * matching posting to its article, and two string-keyed Map lookups per hit (short id → id →
   * article) dominated queries matching most of a 100k index. Holes where articles were removed.
   */
  private readonly byShortId: (IndexedArticle | undefined)[] = [];
  private readonly timesByShortId: number[] = [];
  /** Month, place and source of each article by short id, as codes (set once, at store time). */
  readonly facetCodes = new FacetCodes();
  /**
   * The folded words of the live articles (text/surface-vocabulary.ts), for fuzzy matching and
   * spelling hints: counted as articles are added to a new index, loaded with a snapshot, or derived
   * from the texts on first use (a snapshot written before the section), then kept up to date.
   */
  private surfaceWords: SurfaceVocabulary | null = null;
  /** Term sequences of the articles indexed in this process (loaded ones carry theirs). */
  private readonly sequences = new TermSequences();
  private readonly snapshotTable: TermTable = (term) => snapshotTermId(this.miniSearch, term);

  private constructor(miniSearch: MiniSearch<IndexedFields>) {
    this.miniSearch = miniSearch;
  }

  static empty(): ArchiveIndex {
    const index = new ArchiveIndex(new MiniSearch<IndexedFields>(INDEX_OPTIONS));
    // Counted article by article from the start (ingest and merges run in time slices), so the first
    // fuzzy query or spelling hint never derives it from every text at once inside a request: after
    // 480 articles of random words that took 4.9 s of one event-loop turn.
    index.surfaceWords = SurfaceVocabulary.empty();
    return index;
  }

  get size(): number {
    return this.liveCount;
  }

  /**
   * Identifies the index content a response was computed on (changes applied so far). Cursors
   * carry it; see cursor.ts for how a cursor from another version is handled.
   */
  get indexVersion(): string {
    return String(this.generation);
  }

  /** Highest version applied for an id, live or removed. */
  versionOf(id: string): number | undefined {
    return this.document(id)?.version ?? this.tombstones.get(id);
  }

  has(id: string): boolean {
    return this.document(id) !== undefined;
  }

  /** Removals remembered (ids not live here, with the version removed at). */
  get tombstoneCount(): number {
    return this.tombstones.size;
  }

  /** Live articles, in insertion order. */
  *documents(): IterableIterator<IndexedArticle> {
    for (const doc of this.byShortId) if (doc) yield doc;
  }

  /**
   * One index over the live articles of `parts` (a segment merge): each article is indexed again
   * (MiniSearch has no merge of its own), removals are carried over with the highest version, so a
   * merged segment refuses stale redeliveries as its parts did.
   */
  static merged(parts: readonly ArchiveIndex[]): ArchiveIndex {
    return runToEnd(ArchiveIndex.mergedSteps(parts));
  }

  /** {@link merged} as steps that may be paused between articles (@archive/core's time slices). */
  static *mergedSteps(parts: readonly ArchiveIndex[]): Steps<ArchiveIndex> {
    const out = ArchiveIndex.empty();
    for (const part of parts) {
      for (const [id, version] of part.tombstones) {
        const seen = out.tombstones.get(id);
        if (seen === undefined || seen < version) out.tombstones.set(id, version);
      }
    }
    for (const part of parts) {
      for (const doc of part.documents()) {
        yield;
        if (out.has(doc.id)) throw new Error(`article ${doc.id} is live in two merged segments`);
        out.insert(toPlainIndexed(doc));
      }
    }
    out.changed();
    return out;
  }

  /** Adds or replaces an article unless a same-or-newer version was already applied. */
  applyUpsert(article: Article): boolean {
    const seen = this.versionOf(article.id);
    if (seen !== undefined && seen >= article.version) return false;
    this.removeFromIndex(article.id);
    this.insert(toIndexedArticle(article));
    this.changed();
    return true;
  }

  /** Indexes an article not in the index (its removal, if remembered, is forgotten). */
  private insert(doc: IndexedArticle): void {
    this.miniSearch.add({ id: doc.id, title: doc.title, body: doc.body });
    const shortId = shortIdOf(this.miniSearch, doc.id) as number;
    this.surfaceWords?.addWords(this.sequences.record(shortId, doc.title, doc.body, ANALYZER));
    this.store(doc);
    this.tombstones.delete(doc.id);
  }

  /** Removes an article unless a newer version was already applied. */
  applyRemove(id: string, version: number): boolean {
    const seen = this.versionOf(id);
    if (seen !== undefined && seen > version) return false;
    this.removeFromIndex(id);
    this.tombstones.set(id, Math.max(seen ?? 0, version));
    this.changed();
    return true;
  }

  // ---- read access for the engine (search.ts, suggest.ts) ----

  /** The MiniSearch index (read-only use by the engine). */
  get engine(): MiniSearch<IndexedFields> {
    return this.miniSearch;
  }

  /**
   * Builds the surface vocabulary loaded with this index in steps that may pause (see
   * SurfaceVocabulary.prepareSteps); nothing for an index that counts its words as it goes.
   */
  *prepareSurfaceSteps(): Steps<void> {
    if (this.surfaceWords) yield* this.surfaceWords.prepareSteps();
  }

  /** The surface vocabulary of the live articles (see {@link surfaceWords}). */
  surface(): SurfaceVocabulary {
    this.surfaceWords ??= SurfaceVocabulary.ofDocuments(indexedTexts(this.documents()), ANALYZER);
    return this.surfaceWords;
  }

  /** MiniSearch's short id of a live article; undefined when it is not live here. */
  shortIdOf(id: string): number | undefined {
    const shortId = shortIdOf(this.miniSearch, id);
    return shortId !== undefined && this.byShortId[shortId] ? shortId : undefined;
  }

  document(id: string): IndexedArticle | undefined {
    const shortId = shortIdOf(this.miniSearch, id);
    return shortId === undefined ? undefined : this.byShortId[shortId];
  }

  /** Publication instant (epoch ms) of a live article. */
  timeOf(id: string): number | undefined {
    const shortId = shortIdOf(this.miniSearch, id);
    return shortId === undefined ? undefined : this.timesByShortId[shortId];
  }

  /** Live article by MiniSearch short id. */
  documentByShortId(shortId: number): IndexedArticle | undefined {
    return this.byShortId[shortId];
  }

  /** Publication instant (epoch ms) of a live article, by MiniSearch short id (NaN if gone). */
  timeByShortId(shortId: number): number {
    return this.timesByShortId[shortId] ?? Number.NaN;
  }

  /** Text of a field of a live article, by MiniSearch short id. */
  fieldText(shortId: number, field: SearchField): string | undefined {
    return this.documentByShortId(shortId)?.[field];
  }

  /**
   * A phrase check from recorded term sequences: those of the articles indexed in this process
   * (term-sequences.ts) and those a snapshot recorded (archive-index-codec.ts). Whether `field`
   * holds `terms` consecutively; undefined for an article without one (the caller analyses the text).
   */
  sequenceMatcher(terms: readonly string[]): (shortId: number, field: SearchField) => boolean | undefined {
    const ids = terms.map((term) => snapshotTermId(this.miniSearch, term));
    const known = ids.every((id) => id !== undefined);
    const ownIds = terms.map(this.sequences.table);
    const ownKnown = ownIds.every((id) => id !== undefined);
    return (shortId, field) => {
      const own = this.sequences.get(shortId);
      // A term missing from a table is in no article recorded with it.
      if (own) return ownKnown && containsRun(own, fieldRange(own, field), ownIds as number[]);
      const doc = this.byShortId[shortId] as (IndexedArticle & Partial<SequencedArticle>) | undefined;
      if (!doc?.containsTermIds) return undefined;
      if (!known) return false;
      return doc.containsTermIds(field, ids as number[]);
    };
  }

  /**
   * An article's analysed terms as ids, with the table to look query terms up in (the same function
   * for every article recorded alike, so callers may cache lookups by it); undefined when none was
   * recorded.
   */
  termSequence(shortId: number): { sequence: TermIds; table: TermTable } | undefined {
    const own = this.sequences.get(shortId);
    if (own) return { sequence: own, table: this.sequences.table };
    const doc = this.byShortId[shortId] as (IndexedArticle & Partial<SequencedArticle>) | undefined;
    const recorded = doc?.termIds?.();
    return recorded && { sequence: recorded, table: this.snapshotTable };
  }

  /**
   * Earliest and latest publication instants of the live articles (null when empty), without the
   * sort {@link byDate} does: a search function's first query asks for every partition's range.
   */
  timeRange(): { firstMs: number; lastMs: number } | null {
    let firstMs = Number.POSITIVE_INFINITY;
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const time of this.timesByShortId) {
      if (time < firstMs) firstMs = time;
      if (time > lastMs) lastMs = time;
    }
    return firstMs <= lastMs ? { firstMs, lastMs } : null;
  }

  /** Live articles sorted by (publishedAt, id) ascending. */
  byDate(): readonly DatedArticle[] {
    if (!this.dateOrder) {
      const order: DatedArticle[] = [];
      this.byShortId.forEach((doc, shortId) => {
        if (doc) order.push({ doc, time: this.timesByShortId[shortId] as number, shortId });
      });
      order.sort((a, b) => a.time - b.time || (a.doc.id < b.doc.id ? -1 : a.doc.id > b.doc.id ? 1 : 0));
      this.dateOrder = order;
    }
    return this.dateOrder;
  }

  /**
   * Removes an article's postings exactly (`remove` with the indexed text, which we keep) rather
   * than `discard`, which leaves its term statistics behind until a vacuum: scores after a
   * replacement then equal those of a fresh build, and snapshots carry no stale postings.
   */
  private removeFromIndex(id: string): void {
    const shortId = shortIdOf(this.miniSearch, id);
    const doc = shortId === undefined ? undefined : this.byShortId[shortId];
    if (shortId === undefined || !doc) return;
    this.miniSearch.remove({ id, title: doc.title, body: doc.body });
    this.surfaceWords?.remove([doc.title, doc.body], ANALYZER);
    this.sequences.forget(shortId);
    this.byShortId[shortId] = undefined;
    this.timesByShortId[shortId] = Number.NaN;
    this.liveCount--;
  }

  /** Records an article already added to MiniSearch. */
  private store(doc: IndexedArticle): void {
    const time = Date.parse(doc.publishedAt);
    this.liveCount++;
    const shortId = shortIdOf(this.miniSearch, doc.id);
    if (shortId === undefined) throw new Error(`article ${doc.id} is not in the MiniSearch index`);
    this.byShortId[shortId] = doc;
    this.timesByShortId[shortId] = time;
    this.facetCodes.set(shortId, doc);
  }

  private changed(): void {
    this.generation++;
    this.dateOrder = null;
  }

  /** The snapshot payload (archive-index-codec.ts); compression is the snapshot codec's job. */
  serialize(choices: EncodeChoices = {}): Uint8Array {
    return runToEnd(this.serializeSteps(choices));
  }

  /** {@link serialize} as steps that may be paused; the index must not change until they end. */
  serializeSteps(choices: EncodeChoices = {}): Steps<Uint8Array> {
    return encodeArchiveIndexSteps(
      {
        miniSearch: this.miniSearch,
        // Short id order is insertion order (a replacement gets a new, higher one).
        docs: this.byShortId.filter((doc): doc is IndexedArticle => doc !== undefined),
        tombstones: this.tombstones,
        generation: this.generation,
      },
      choices,
    );
  }

  /** Loads a serialised index; refuses one built with another index definition. */
  static deserialize(bytes: Uint8Array): ArchiveIndex {
    return ArchiveIndex.fromParts(decodeArchiveIndex(bytes));
  }

  /**
   * As {@link deserialize}, on a payload still being decompressed (snapshot-codec.ts): `ready(end)`
   * resolves once bytes [0, end) are in place.
   */
  static async deserializeProgressively(
    bytes: Uint8Array,
    ready: (end: number) => Promise<void>,
  ): Promise<ArchiveIndex> {
    return ArchiveIndex.fromParts(await decodeArchiveIndexProgressively(bytes, ready));
  }

  private static fromParts(parts: ArchiveIndexParts): ArchiveIndex {
    const index = new ArchiveIndex(parts.miniSearch);
    for (const doc of parts.docs) index.store(doc);
    for (const [id, version] of parts.tombstones) index.tombstones.set(id, version);
    index.generation = parts.generation;
    if (parts.surface) index.surfaceWords = SurfaceVocabulary.fromSection(parts.surface);
    return index;
  }
}

/** The indexed texts of each article, one at a time (a body read from a snapshot is decoded when read). */
function* indexedTexts(docs: Iterable<IndexedArticle>): Generator<readonly string[]> {
  for (const doc of docs) yield [doc.title, doc.body];
}

/** The fields of an indexed article without what a decoder attached (term sequences). */
function toPlainIndexed(doc: IndexedArticle): IndexedArticle {
  return {
    id: doc.id,
    title: doc.title,
    publishedAt: doc.publishedAt,
    timeZone: doc.timeZone,
    place: doc.place,
    source: doc.source,
    language: doc.language,
    tags: doc.tags,
    version: doc.version,
    storyId: doc.storyId,
    body: doc.body,
  };
}
