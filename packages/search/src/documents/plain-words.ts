import type { QueryMode } from '../query/ast';
import type { HitList, TermSetTable } from '../query/hit-list';
import { DID_YOU_MEAN_BELOW } from '../query/limits';
import {
  ALL_WORDS_FIRST,
  holdsAll,
  missingWords,
  shouldRelax,
  shownScore,
  type WordChoice,
  type WordCounts,
  wordsLacking,
} from '../query/relax';
import type { NormalisedRequest } from '../query/search-request';
import type { SearchResponse } from './search-types';

/**
 * The default mode's plain words on a hit list (query/relax.ts decides, this applies): counting the
 * articles holding every word, requiring them or putting them first, and telling the reader which
 * words were not required.
 */

/**
 * How a request's plain words were searched: relax.ts's choice, the terms an answer must hold, and
 * whether the answer was relaxed (articles with some of the words, those with all first).
 */
export interface WordsDecision {
  choice: WordChoice;
  required: string[];
  relaxed: boolean;
}

/** Whether hit `i` holds every searched term (memoised per matched-term set). */
function holdingAll(
  hits: HitList,
  termSets: TermSetTable,
  searched: readonly string[],
): (i: number) => boolean {
  const bySet = new Map<number, boolean>();
  return (i) => {
    const code = hits.termSets[i] as number;
    let holds = bySet.get(code);
    if (holds === undefined) {
      holds = holdsAll(termSets.get(code), searched);
      bySet.set(code, holds);
    }
    return holds;
  };
}

/** Of `hits`, how many hold every searched term. */
export function countWords(hits: HitList, termSets: TermSetTable, searched: readonly string[]): WordCounts {
  const holds = holdingAll(hits, termSets, searched);
  let all = 0;
  for (let i = 0; i < hits.size; i++) if (holds(i)) all++;
  return { all, any: hits.size };
}

/** The default mode's decision from the counts of the whole archive (partitions sum theirs). */
export function decideWords(choice: WordChoice, mode: QueryMode, counts: WordCounts | null): WordsDecision {
  if (mode !== 'auto') return { choice, required: [], relaxed: false };
  const relaxed = counts !== null && shouldRelax(counts);
  return { choice, required: relaxed ? [] : choice.searched, relaxed };
}

/** Puts the hits holding every searched term first (relax.ts's ALL_WORDS_FIRST), in place. */
export function allWordsFirst(hits: HitList, termSets: TermSetTable, searched: readonly string[]): void {
  const holds = holdingAll(hits, termSets, searched);
  for (let i = 0; i < hits.size; i++) {
    if (holds(i)) hits.scores[i] = (hits.scores[i] as number) + ALL_WORDS_FIRST;
  }
}

/** Keeps the hits holding every required term (in place). */
export function keepRequired(hits: HitList, termSets: TermSetTable, required: readonly string[]): void {
  if (required.length === 0) return;
  const passBySet = new Map<number, boolean>();
  let i = 0;
  // filter visits hits in order, so `i` follows the hit whose id it is given.
  hits.filter(() => {
    const code = hits.termSets[i++] as number;
    let pass = passBySet.get(code);
    if (pass === undefined) {
      const set = termSets.get(code);
      pass = required.every((t) => set.has(t));
      passBySet.set(code, pass);
    }
    return pass;
  });
}

/**
 * Adds to a response what the reader should know about how `q` was read: `missing` words, `notes`;
 * shows scores without the relaxed answer's all-words-first offset.
 */
export function describeReading(
  response: SearchResponse,
  req: Pick<NormalisedRequest, 'mode' | 'plan' | 'notes'>,
  words: WordsDecision | undefined,
  matchedTerms: readonly ReadonlySet<string>[],
): void {
  const plan = req.plan;
  if (req.mode === 'auto' && plan?.kind === 'words') {
    response.missing = missingWords(plan.words, words?.required ?? []);
    response.results.forEach((hit, i) => {
      hit.missing = wordsLacking(plan.words, matchedTerms[i] ?? new Set());
    });
  }
  if (req.notes.length > 0) response.notes = req.notes;
  for (const hit of response.results) hit.score = shownScore(hit.score);
}

/**
 * Whether to look for a spelling fix, and for which words: plain words only when some word is in no
 * article (those words alone: a query that found its words gets none); a query with operators
 * when it found little. Never on later pages. Null: no fix wanted; undefined: every plain word.
 */
export function spellingTargets(
  req: Pick<NormalisedRequest, 'hasQuery' | 'after'>,
  total: number,
  words: WordsDecision | undefined,
): ReadonlySet<string> | undefined | null {
  if (!req.hasQuery || req.after) return null;
  if (words) return words.choice.unknown.length > 0 ? new Set(words.choice.unknown.map((w) => w.term)) : null;
  return total < DID_YOU_MEAN_BELOW ? undefined : null;
}
