import { VarintReader } from '../snapshot/varint';

/**
 * The parts of a MiniSearch index that a loaded snapshot (minisearch-codec.ts) hands to MiniSearch
 * in place of its own maps: objects with the `Map` API MiniSearch uses, filled from the snapshot's
 * bytes on first use. What MiniSearch does with them is pinned by minisearch-codec.test.ts.
 */

type TermData = Map<number, Map<number, number>>;

/**
 * The postings of one term, decoded on first use. MiniSearch reads and writes term data only
 * through the `Map` API (get, set, delete, has, size, iteration), so an object that offers that API
 * and builds a real `Map` on first use is indistinguishable. It is not a `Map` subclass: a `Map`
 * allocates its hash table at construction, and a loaded index has one term data per term (300k
 * at 100k articles), most never searched.
 */
export class LazyTermData implements TermData {
  private source: Uint8Array | null;
  private offset: number;
  private map: TermData | null = null;

  /**
   * Position of the term in the snapshot's term table: the id under which the archive snapshot
   * stores analysed term sequences (archive-index-codec.ts). Stays with the term for its lifetime.
   */
  readonly termId: number;

  constructor(source: Uint8Array, offset: number, termId: number) {
    this.termId = termId;
    this.source = source;
    this.offset = offset;
  }

  /** True until the postings have been decoded (for tests and memory accounting). */
  get isPending(): boolean {
    return this.source !== null;
  }

  /** Posting count summed over fields, without materialising (the engine ranks expansions by it). */
  postingCount(): number {
    if (this.source === null) {
      let n = 0;
      for (const docs of this.decoded().values()) n += docs.size;
      return n;
    }
    const reader = new VarintReader(this.source, this.offset);
    let n = 0;
    for (let f = reader.read(); f > 0; f--) {
      reader.read();
      const count = reader.read();
      n += count;
      for (let i = 2 * count; i > 0; i--) reader.read();
    }
    return n;
  }

  /** Posting count of one field, read without decoding the postings of the field itself. */
  fieldCount(fieldId: number): number {
    if (this.source === null) return this.decoded().get(fieldId)?.size ?? 0;
    const reader = new VarintReader(this.source, this.offset);
    for (let f = reader.read(); f > 0; f--) {
      const id = reader.read();
      const count = reader.read();
      if (id === fieldId) return count;
      for (let i = 2 * count; i > 0; i--) reader.read();
    }
    return 0;
  }

  /**
   * Calls `begin` with the posting count of a field, then `fn` per posting in short id order, read
   * in place when still pending (the scorer in minisearch-internals.ts); returns the count.
   */
  forEachPosting(
    fieldId: number,
    fn: (shortId: number, freq: number) => void,
    begin?: (count: number) => void,
  ): number {
    if (this.source === null) {
      const docs = this.decoded().get(fieldId);
      if (!docs) return 0;
      begin?.(docs.size);
      for (const [shortId, freq] of docs) fn(shortId, freq);
      return docs.size;
    }
    const reader = new VarintReader(this.source, this.offset);
    for (let f = reader.read(); f > 0; f--) {
      const id = reader.read();
      const count = reader.read();
      if (id !== fieldId) {
        for (let i = 2 * count; i > 0; i--) reader.read();
        continue;
      }
      begin?.(count);
      let shortId = 0;
      for (let i = 0; i < count; i++) {
        shortId += reader.read();
        fn(shortId, reader.read());
      }
      return count;
    }
    return 0;
  }

  /** The postings as a Map, decoded on the first call. */
  private decoded(): TermData {
    if (this.map) return this.map;
    const map: TermData = new Map();
    const source = this.source;
    this.source = null;
    this.map = map;
    if (source === null) return map;
    const reader = new VarintReader(source, this.offset);
    const fields = reader.read();
    for (let f = 0; f < fields; f++) {
      const fieldId = reader.read();
      const count = reader.read();
      const docs = new Map<number, number>();
      let shortId = 0;
      for (let d = 0; d < count; d++) {
        shortId += reader.read();
        docs.set(shortId, reader.read());
      }
      map.set(fieldId, docs);
    }
    return map;
  }

  get size(): number {
    return this.decoded().size;
  }
  get(key: number): Map<number, number> | undefined {
    return this.decoded().get(key);
  }
  has(key: number): boolean {
    return this.decoded().has(key);
  }
  set(key: number, value: Map<number, number>): this {
    this.decoded().set(key, value);
    return this;
  }
  delete(key: number): boolean {
    return this.decoded().delete(key);
  }
  clear(): void {
    this.source = null;
    this.map = new Map();
  }
  forEach(
    callback: (value: Map<number, number>, key: number, map: TermData) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.decoded()) callback.call(thisArg, value, key, this);
  }
  entries(): MapIterator<[number, Map<number, number>]> {
    return this.decoded().entries();
  }
  keys(): MapIterator<number> {
    return this.decoded().keys();
  }
  values(): MapIterator<Map<number, number>> {
    return this.decoded().values();
  }
  [Symbol.iterator](): MapIterator<[number, Map<number, number>]> {
    return this.entries();
  }
  get [Symbol.toStringTag](): string {
    return 'Map';
  }
}

/**
 * MiniSearch's per-document field lengths (`_fieldLength`, a Map of one small array per document)
 * answered from the snapshot's dense array, which the scorer reads anyway (adoptFieldLengths): a
 * loaded index then holds no array and no map entry per document for them. MiniSearch only reads
 * the arrays of documents it did not add itself (its `addFieldLength` fills the array it has just
 * set), so `get` can return a fresh copy; documents added after loading live in an ordinary Map.
 */
export class DenseFieldLengths {
  private readonly added = new Map<number, number[]>();

  constructor(
    private readonly dense: Uint32Array,
    private readonly fieldCount: number,
    private readonly present: Uint8Array,
    private loaded: number,
  ) {}

  get(id: number): number[] | undefined {
    const added = this.added.get(id);
    if (added || this.present[id] !== 1) return added;
    return Array.from(this.dense.subarray(id * this.fieldCount, (id + 1) * this.fieldCount));
  }
  has(id: number): boolean {
    return this.present[id] === 1 || this.added.has(id);
  }
  set(id: number, lengths: number[]): this {
    this.forget(id);
    this.added.set(id, lengths);
    return this;
  }
  delete(id: number): boolean {
    return this.forget(id) || this.added.delete(id);
  }
  clear(): void {
    this.present.fill(0);
    this.loaded = 0;
    this.added.clear();
  }
  get size(): number {
    return this.loaded + this.added.size;
  }
  *entries(): Generator<[number, number[]]> {
    for (let id = 0; id < this.present.length; id++) {
      if (this.present[id] === 1) yield [id, this.get(id) as number[]];
    }
    yield* this.added.entries();
  }
  *keys(): Generator<number> {
    for (const [id] of this.entries()) yield id;
  }
  *values(): Generator<number[]> {
    for (const [, lengths] of this.entries()) yield lengths;
  }
  forEach(callback: (lengths: number[], id: number, map: this) => void): void {
    for (const [id, lengths] of this.entries()) callback(lengths, id, this);
  }
  [Symbol.iterator](): Generator<[number, number[]]> {
    return this.entries();
  }
  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  private forget(id: number): boolean {
    if (this.present[id] !== 1) return false;
    this.present[id] = 0;
    this.loaded--;
    return true;
  }
}
