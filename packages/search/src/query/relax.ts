import { MAX_QUERY_TERMS, RELAX_BELOW } from './limits';

/**
 * The default mode's handling of plain words (docs/SEARCH.md, "Plain words"): which of a reader's
 * words are searched, and whether the answer requires all of them or is relaxed to articles holding
 * some of them, those with all first.
 *
 * Pure arithmetic over document frequencies, so the single index (search.ts) and the partitions'
 * coordinator (archive-wide frequencies) decide identically.
 */

/** One distinct analysed word of a plain query. */
export interface QueryWord {
  /** Index term (analysed). */
  term: string;
  /** The word as the reader typed it (its first occurrence). */
  text: string;
  /** Times the request repeats it (a long request says what matters by repeating it). */
  count: number;
  /** Order of first occurrence. */
  order: number;
}

/** What the engine does with a plain query's words once their frequencies are known. */
export interface WordChoice {
  /** Terms searched, in query order (at most MAX_QUERY_TERMS, those carrying most meaning). */
  searched: string[];
  /** Query weight of each searched term, in the order of `searched`. */
  weights: number[];
  /** Words no article contains, or left out of a long request: never required. */
  unsearched: QueryWord[];
  /** Of those, the words no article contains (spelling fixes are looked for). */
  unknown: QueryWord[];
}

/** Robertson–Spärck Jones IDF, as BM25 uses it. */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** Weight of a word repeated `count` times in the request (sublinear, as in Lucene's query tf). */
export function repeatWeight(count: number): number {
  return 1 + Math.log(count);
}

/**
 * Chooses which words to search: those some article contains, the MAX_QUERY_TERMS carrying most
 * meaning (IDF × repeat weight) when there are more, so a pasted paragraph costs what a 32-word
 * query costs.
 */
export function chooseWords(
  words: readonly QueryWord[],
  df: (term: string) => number,
  documentCount: number,
  maxTerms = MAX_QUERY_TERMS,
): WordChoice {
  const present = words.filter((w) => df(w.term) > 0);
  const meaning = (w: QueryWord) => idf(df(w.term), documentCount) * repeatWeight(w.count);
  const kept = new Set(
    [...present]
      .sort((a, b) => meaning(b) - meaning(a) || a.order - b.order)
      .slice(0, maxTerms)
      .map((w) => w.term),
  );
  const searchedWords = words.filter((w) => kept.has(w.term));
  return {
    searched: searchedWords.map((w) => w.term),
    weights: searchedWords.map((w) => repeatWeight(w.count)),
    unsearched: words.filter((w) => !kept.has(w.term)),
    unknown: words.filter((w) => df(w.term) === 0),
  };
}

/** Whether an article that matched `matched` holds every searched term. */
export function holdsAll(matched: ReadonlySet<string>, searched: readonly string[]): boolean {
  for (const term of searched) if (!matched.has(term)) return false;
  return true;
}

/** Of the articles matching some searched word: how many hold them all, and how many in all. */
export interface WordCounts {
  all: number;
  any: number;
}

/** Sums counts of disjoint sets of articles (time partitions). */
export function addWordCounts(a: WordCounts, b: WordCounts): WordCounts {
  return { all: a.all + b.all, any: a.any + b.any };
}

/**
 * Whether to relax: fewer articles than a page hold every word, and more hold some. Then the answer
 * is every article holding some searched word, those holding all of them first; otherwise it is
 * the articles holding all of them (`mode=all`'s answer).
 */
export function shouldRelax(counts: WordCounts): boolean {
  return counts.all < RELAX_BELOW && counts.any > counts.all;
}

/**
 * Added to the score of an article holding every word in a relaxed answer, so that those come
 * first in one total order (the cursor's); taken off again in the scores an answer shows. BM25 sums
 * of at most MAX_QUERY_TERMS terms stay far below it.
 */
export const ALL_WORDS_FIRST = 1e6;

/** The score an answer shows for a ranking key (without {@link ALL_WORDS_FIRST}). */
export function shownScore(key: number): number {
  return key >= ALL_WORDS_FIRST ? key - ALL_WORDS_FIRST : key;
}

/**
 * The words (as typed, in request order) the answer did not require: every word when it was
 * relaxed, else those not searched (in no article, or left out of a long request).
 */
export function missingWords(words: readonly QueryWord[], required: readonly string[]): string[] {
  const kept = new Set(required);
  return words.filter((w) => !kept.has(w.term)).map((w) => w.text);
}

/** The words (as typed) an article does not hold, from the index terms it matched. */
export function wordsLacking(words: readonly QueryWord[], matched: ReadonlySet<string>): string[] {
  return words.filter((w) => !matched.has(w.term)).map((w) => w.text);
}
