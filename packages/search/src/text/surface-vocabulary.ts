import { runToEnd, type Steps } from '@archive/core';
import SearchableMap from 'minisearch/SearchableMap';
import {
  boundedFuzzyWalk,
  type RadixNode,
  sortedRadixEntries,
  sortedRadixTree,
  sortedRadixTreeSteps,
  type WalkBudget,
} from '../minisearch/radix-tree';
import { decodeShortUtf8, VarintReader, VarintWriter } from '../snapshot/varint';
import { type Analyzer, tokenize } from './analysis';

/**
 * The words of an index as readers write them: every folded, unstemmed word of the live articles
 * (stop words excepted), with how many articles hold it. Index terms are Porter stems, and an edit
 * distance between stems is not one between words: "government" stems to `govern` and
 * "governmental" to `government`, so `govrnment~` on stems found only the latter, and `goverment~`
 * (stem `gover`) met `power` and `voter`. Fuzzy matching and spelling hints walk these words
 * instead and map what they find to stems through the analyser.
 *
 * Why a radix tree (MiniSearch's SearchableMap): its `fuzzyGet` walks a shared-prefix tree, and
 * the bounded walk (radix-tree.ts) already runs on that shape; the index's own term tree is one.
 * Why counts: articles are removed from a loaded segment (an update, a take-down), and a word must
 * leave when its last article does, or a fuzzy query would expand to a stem through a word no live
 * article holds (and answer otherwise than one index built over the live articles).
 *
 * Stored as a snapshot section (archive-index-codec.ts): the words sorted, front-coded (length of
 * the prefix shared with the previous word, then the rest in UTF-8), each with its count. Loading
 * keeps the section's bytes; the tree is built on the first fuzzy query (changes before it are kept
 * as count deltas and applied then).
 */
export class SurfaceVocabulary {
  private map: SearchableMap<number> | null;
  /**
   * Count changes made before the section was decoded, applied when it is: a search function that
   * follows delete markers on a loaded segment (an update, a take-down) then pays for analysing the
   * removed article, not for building the segment's whole tree inside someone's request.
   */
  private pending: Map<string, number> | null = null;

  private constructor(
    map: SearchableMap<number> | null,
    private section: Uint8Array | null,
  ) {
    this.map = map;
  }

  static empty(): SurfaceVocabulary {
    return new SurfaceVocabulary(new SearchableMap<number>(), null);
  }

  /** The vocabulary of a section written by {@link encode}, decoded on first use. */
  static fromSection(section: Uint8Array): SurfaceVocabulary {
    return new SurfaceVocabulary(null, section);
  }

  /** The vocabulary of articles, each given as its indexed texts (title, body). */
  static ofDocuments(documents: Iterable<readonly string[]>, analyzer: Analyzer): SurfaceVocabulary {
    const counts = new Map<string, number>();
    for (const texts of documents) countWords(counts, documentWords(texts, analyzer));
    const entries = sortedEntries(counts);
    const tree = sortedRadixTree(
      entries.map(([word]) => word),
      entries.map(([, count]) => count),
    );
    return new SurfaceVocabulary(new SearchableMap<number>(tree as never), null);
  }

  /** The section bytes of word counts (see {@link countWords}) without building a tree. */
  static encodeCounts(counts: ReadonlyMap<string, number>): Uint8Array {
    return writeSection(sortedEntries(counts), counts.size);
  }

  /** {@link encodeCounts} as steps that may pause (@archive/core's time slices). */
  static *encodeCountsSteps(counts: ReadonlyMap<string, number>): Steps<Uint8Array> {
    const entries = yield* sortedEntriesSteps(counts);
    return yield* writeSectionSteps(entries, counts.size);
  }

  /** Counts one article's distinct folded words (see {@link documentWords}). */
  addWords(words: Iterable<string>): void {
    for (const word of words) this.change(word, 1);
  }

  /** Uncounts the words of one article that was counted with the same texts. */
  remove(texts: readonly string[], analyzer: Analyzer): void {
    for (const word of documentWords(texts, analyzer)) this.change(word, -1);
  }

  private change(word: string, delta: number): void {
    if (this.map === null) {
      this.pending ??= new Map();
      this.pending.set(word, (this.pending.get(word) ?? 0) + delta);
      return;
    }
    const n = (this.map.get(word) ?? 0) + delta;
    if (n <= 0) this.map.delete(word);
    else this.map.set(word, n);
  }

  /** Articles holding `word` (folded), 0 when none. */
  count(word: string): number {
    return this.tree().get(word) ?? 0;
  }

  get size(): number {
    return this.tree().size;
  }

  /**
   * Words within `maxDistance` edits of `word` (folded), with their distance. With a budget the walk
   * stops when it is spent (radix-tree.ts's boundedFuzzyWalk); without, it is MiniSearch's own.
   */
  fuzzy(word: string, maxDistance: number, budget?: WalkBudget): { word: string; distance: number }[] {
    const out: { word: string; distance: number }[] = [];
    const map = this.tree();
    if (budget) {
      boundedFuzzyWalk(map._tree as RadixNode, word, maxDistance, budget, (found, _count, distance) => {
        out.push({ word: found, distance });
      });
    } else {
      for (const [found, [, distance]] of map.fuzzyGet(word, maxDistance))
        out.push({ word: found, distance });
    }
    return out;
  }

  /** The section bytes: count, then per word in code unit order: shared prefix, suffix, count. */
  encode(): Uint8Array {
    if (this.map === null && this.section && this.pending === null) return this.section;
    const map = this.tree();
    return writeSection(sortedRadixEntries(map._tree as RadixNode) as Iterable<[string, number]>, map.size);
  }

  /**
   * Builds the tree of a loaded section in steps that may pause, so that the first spelling hint
   * after a load finds it built instead of building it inside that request (576k junk words: 440–
   * 920 ms in one go). Changes that arrive meanwhile wait as count deltas, as before any use; a
   * query that needs the tree first builds it itself, and this one then gives way.
   */
  *prepareSteps(): Steps<void> {
    const section = this.section;
    if (this.map !== null || section === null) return;
    const { words, counts } = yield* decodeSectionSteps(section);
    const tree = yield* sortedRadixTreeSteps(words, counts);
    if (this.map !== null) return;
    this.install(new SearchableMap<number>(tree as never));
  }

  private tree(): SearchableMap<number> {
    if (this.map === null) {
      const { words, counts } = runToEnd(decodeSectionSteps(this.section ?? new Uint8Array([0])));
      this.install(new SearchableMap<number>(sortedRadixTree(words, counts) as never));
    }
    return this.map as SearchableMap<number>;
  }

  /** Takes the tree decoded from the section, with the count changes made before. */
  private install(map: SearchableMap<number>): void {
    this.map = map;
    this.section = null;
    const pending = this.pending ?? new Map<string, number>();
    this.pending = null;
    for (const [word, delta] of pending) if (delta !== 0) this.change(word, delta);
  }
}

const utf8 = new TextEncoder();

function writeSection(entries: Iterable<readonly [string, number]>, size: number): Uint8Array {
  return runToEnd(writeSectionSteps(entries, size));
}

/** Entries written (or compared) between two pauses of the sliced encoding. */
const STEP_ENTRIES = 16_384;

function* writeSectionSteps(entries: Iterable<readonly [string, number]>, size: number): Steps<Uint8Array> {
  const out = new VarintWriter(1 << 16);
  out.write(size);
  let previous = '';
  let n = 0;
  for (const [word, count] of entries) {
    if (++n % STEP_ENTRIES === 0) yield;
    let shared = 0;
    const limit = Math.min(previous.length, word.length);
    while (shared < limit && previous.charCodeAt(shared) === word.charCodeAt(shared)) shared++;
    // Never split a surrogate pair: the suffix is written as UTF-8.
    if (shared > 0 && isHighSurrogate(word.charCodeAt(shared - 1))) shared--;
    const suffix = utf8.encode(word.slice(shared));
    out.write(shared);
    out.write(suffix.length);
    out.writeBytes(suffix);
    out.write(count);
    previous = word;
  }
  return out.finish();
}

const byWord = ([a]: readonly [string, number], [b]: readonly [string, number]) =>
  a < b ? -1 : a > b ? 1 : 0;

/**
 * {@link sortedEntries} in steps: runs of {@link STEP_ENTRIES} sorted one per step, then merged
 * pairwise with a pause every {@link STEP_ENTRIES} entries. Hand-written because Array#sort cannot
 * pause: one sort of a vocabulary inflated to 576k words held the event loop for ~0.5 s.
 */
function* sortedEntriesSteps(counts: ReadonlyMap<string, number>): Steps<[string, number][]> {
  const runs: [string, number][][] = [];
  let run: [string, number][] = [];
  for (const entry of counts) {
    run.push(entry);
    if (run.length === STEP_ENTRIES) {
      runs.push(run.sort(byWord));
      run = [];
      yield;
    }
  }
  runs.push(run.sort(byWord));
  while (runs.length > 1) {
    const merged: [string, number][][] = [];
    for (let i = 0; i < runs.length; i += 2) {
      const a = runs[i] as [string, number][];
      const b = runs[i + 1];
      merged.push(b ? yield* mergeSteps(a, b) : a);
    }
    runs.splice(0, runs.length, ...merged);
  }
  return runs[0] ?? [];
}

function* mergeSteps(a: [string, number][], b: [string, number][]): Steps<[string, number][]> {
  const out: [string, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (out.length % STEP_ENTRIES === 0) yield;
    out.push(
      byWord(a[i] as [string, number], b[j] as [string, number]) <= 0
        ? (a[i++] as [string, number])
        : (b[j++] as [string, number]),
    );
  }
  while (i < a.length) out.push(a[i++] as [string, number]);
  while (j < b.length) out.push(b[j++] as [string, number]);
  return out;
}

/** Entries in UTF-16 code unit order (as `<` compares strings). */
function sortedEntries(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Adds one article's distinct words to word counts. */
export function countWords(counts: Map<string, number>, words: Iterable<string>): void {
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function* decodeSectionSteps(section: Uint8Array): Steps<{ words: string[]; counts: number[] }> {
  const reader = new VarintReader(section, 0);
  const size = reader.read();
  const words = new Array<string>(size);
  const counts = new Array<number>(size);
  let previous = '';
  for (let i = 0; i < size; i++) {
    if (i % STEP_ENTRIES === STEP_ENTRIES - 1) yield;
    const shared = reader.read();
    const bytes = reader.readBytes(reader.read());
    const word = previous.slice(0, shared) + decodeShortUtf8(bytes);
    words[i] = word;
    counts[i] = reader.read();
    previous = word;
  }
  return { words, counts };
}

/** The distinct folded words of an article's texts that analyse to an index term. */
export function documentWords(texts: readonly string[], analyzer: Analyzer): Set<string> {
  const words = new Set<string>();
  for (const text of texts) {
    for (const token of tokenize(text)) {
      const analysed = analyzer.analyse(token);
      if (analysed) words.add(analysed.folded);
    }
  }
  return words;
}
