import type { WalkBudget } from '../minisearch/radix-tree';
import type { Analyzer } from '../text/analysis';
import type { SurfaceVocabulary } from '../text/surface-vocabulary';

/**
 * Fuzzy matching on words, not stems: a typed word (folded, unstemmed) is compared with the words
 * of the articles as written (text/surface-vocabulary.ts), and the words within its edit distance
 * stand for their index terms. Every path (one index, a partition's round 1, the coordinator's
 * merge) picks and orders the expansions with the functions below, so they agree exactly.
 */

/** An index term a fuzzy word stands for, through the closest word that analyses to it. */
export type FuzzyMatch = [term: string, distance: number, word: string];

/** MiniSearch's weight of fuzzy matches (`weights.fuzzy`), kept so scores stay comparable. */
const FUZZY_WEIGHT = 0.45;

/** The weight of an expansion: MiniSearch's `0.45·len/(len+distance)`, on the word that matched. */
export function fuzzyWeight([, distance, word]: FuzzyMatch): number {
  return (FUZZY_WEIGHT * word.length) / (word.length + distance);
}

/**
 * Which of two matches of one term stands for it: the closer word, then the longer (the higher
 * weight), then the first in code unit order. A total order, so the pick does not depend on which
 * partition saw which word first.
 */
function better(a: FuzzyMatch, b: FuzzyMatch): FuzzyMatch {
  if (a[1] !== b[1]) return a[1] < b[1] ? a : b;
  if (a[2].length !== b[2].length) return a[2].length > b[2].length ? a : b;
  return a[2] <= b[2] ? a : b;
}

/** One match per term (see {@link better}), in code unit order of the terms. */
export function mergeFuzzyMatches(...lists: readonly (readonly FuzzyMatch[])[]): FuzzyMatch[] {
  const best = new Map<string, FuzzyMatch>();
  for (const list of lists) {
    for (const match of list) {
      const seen = best.get(match[0]);
      best.set(match[0], seen ? better(seen, match) : match);
    }
  }
  return [...best.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The index terms within `maxDistance` edits of the typed word, through the vocabulary's words; the
 * word's own term is left out (it is matched exactly). With a budget the walk is bounded (spelling
 * hints, query/limits.ts's MAX_SPELLCHECK_STEPS).
 */
export function fuzzyMatches(
  vocabulary: SurfaceVocabulary,
  analyzer: Analyzer,
  typed: string,
  maxDistance: number,
  budget?: WalkBudget,
): FuzzyMatch[] {
  const own = analyzer.term(typed);
  const found: FuzzyMatch[] = [];
  for (const { word, distance } of vocabulary.fuzzy(typed, maxDistance, budget)) {
    const term = analyzer.term(word);
    if (term !== null && term !== own) found.push([term, distance, word]);
  }
  return mergeFuzzyMatches(found);
}
