import { stemmer } from 'stemmer';

/**
 * Text analysis shared by indexing, querying, phrase checks and highlighting: the same function
 * turns a document token and a query word into the same index term, which is what makes stemmed,
 * folded and possessive matches line up (and what makes snippet marks correct).
 */

/**
 * A word: letters, numbers and combining marks of any script, with inner apostrophes
 * (`Syria's`, `can't`, `O’Brien`). Everything else (spaces, punctuation, hyphens) separates words.
 */
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’ʼ][\p{L}\p{N}\p{M}]+)*/gu;
const COMBINING_MARK = /\p{Mn}/gu;
const APOSTROPHES = /['’ʼ]/g;
const POSSESSIVE = /['’ʼ]s$/;
const ARABIC_TATWEEL = /\u0640/g;
const LATIN_WORD = /^[a-z]+$/;

/** A word found in a text, with its UTF-16 offsets in that text. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/** Options of an analysis chain; production uses the one in `index-definition.ts`. */
export interface AnalyzerOptions {
  stopWords: ReadonlySet<string>;
  /** Stem Latin-script words (Porter, via the `stemmer` package). */
  stem: boolean;
}

/** Splits text into words with their offsets: the words starting before `until` (all by default). */
export function tokenizeWithOffsets(text: string, until = Number.POSITIVE_INFINITY): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    if (m.index >= until) break;
    tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

/** Splits text into words (MiniSearch `tokenize`). */
export function tokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

/**
 * Case and diacritic folding: NFKD, drop non-spacing marks (accents, Arabic harakat and hamza
 * marks, so `أ` folds to `ا`), drop Arabic tatweel, lower-case, and remove a trailing possessive
 * `'s` and any other apostrophes (`Syria’s` → `syria`, `can't` → `cant`).
 */
export function fold(word: string): string {
  const folded = word
    .normalize('NFKD')
    .replace(COMBINING_MARK, '')
    .replace(ARABIC_TATWEEL, '')
    .toLowerCase()
    .replace(POSSESSIVE, '');
  return folded.replace(APOSTROPHES, '').normalize('NFC');
}

/** A word as analysis reads it: folded as written (the surface form), and its index term. */
export interface AnalysedWord {
  folded: string;
  term: string;
}

/** An analysis chain: one word in, one index term (or null for a stop word) out. */
export interface Analyzer {
  readonly options: AnalyzerOptions;
  /** Index term of one word, or null when it is a stop word or empty. */
  term(word: string): string | null;
  /** Folded form and index term of one word, or null when it is a stop word or empty. */
  analyse(word: string): AnalysedWord | null;
  /** Index terms of a text in order (stop words dropped). */
  terms(text: string): string[];
  /** Stemmed form of an already folded word (identity for non-Latin scripts or when not stemming). */
  stem(folded: string): string;
}

/** Builds an analysis chain. Memoises word → term because news text repeats words a lot. */
export function createAnalyzer(options: AnalyzerOptions): Analyzer {
  const cache = new Map<string, AnalysedWord | null>();
  const stem = (folded: string): string =>
    options.stem && LATIN_WORD.test(folded) ? stemmer(folded) : folded;
  const analyse = (word: string): AnalysedWord | null => {
    const cached = cache.get(word);
    if (cached !== undefined) return cached;
    const folded = fold(word);
    const result = folded === '' || options.stopWords.has(folded) ? null : { folded, term: stem(folded) };
    // Bounded so a stream of unique tokens cannot grow the cache without limit.
    if (cache.size > 200_000) cache.clear();
    cache.set(word, result);
    return result;
  };
  const term = (word: string): string | null => analyse(word)?.term ?? null;
  return {
    options,
    term,
    analyse,
    stem,
    terms(text) {
      const out: string[] = [];
      for (const word of tokenize(text)) {
        const t = term(word);
        if (t !== null) out.push(t);
      }
      return out;
    },
  };
}

/**
 * The index terms of a text in order, its folded words added to `words`: one pass of analysis for
 * what a term sequence records and what the surface vocabulary counts.
 */
export function analyseWords(text: string, analyzer: Analyzer, words: Set<string>): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const analysed = analyzer.analyse(token);
    if (!analysed) continue;
    terms.push(analysed.term);
    words.add(analysed.folded);
  }
  return terms;
}
