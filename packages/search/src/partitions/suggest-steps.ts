import type { QueryMode } from '../query/ast';
import {
  applySpellingFixes,
  completionRequest,
  completions,
  type SuggestResponse,
  spellingCandidates,
  spellingFixes,
  spellingNeighbours,
  type Vocabulary,
} from '../query/suggest';
import { dictionaryOf } from './partition-engine';
import type { GlobalTerms } from './protocol';
import { archiveTerms, type Placement, type Steps } from './rounds';

/**
 * Spelling hints and completions over partitions: query/suggest.ts's, with the archive-wide
 * frequencies and expansions of round 1 (rounds.ts).
 */

/** The archive-wide figures as a vocabulary, for suggest.ts's completions and spelling fixes. */
function vocabularyOf(global: GlobalTerms): Vocabulary {
  const dictionary = dictionaryOf(global);
  return {
    documentFrequency: dictionary.documentFrequency,
    spellingNeighbours: (word, distance) =>
      spellingNeighbours(dictionary.fuzzyTerms(word, distance), dictionary.documentFrequency),
    expandPrefix: dictionary.expandPrefix,
  };
}

/** A surface form of each term, from the oldest partition that has one. */
function* surfaceForms(
  placements: readonly Placement[],
  terms: readonly string[],
  startingWith: string,
): Steps<Map<string, string>> {
  if (terms.length === 0) return new Map();
  const answers = (yield {
    method: 'surfaceForms',
    placements,
    args: (keys) => [keys, terms, startingWith],
  }) as Map<string, string>[];
  const out = new Map<string, string>();
  for (const answer of answers) for (const [term, word] of answer) if (!out.has(term)) out.set(term, word);
  return out;
}

/** suggest.ts's didYouMean, with archive-wide frequencies. */
export function* didYouMeanSteps(
  placements: readonly Placement[],
  q: string,
  mode: QueryMode,
  only?: ReadonlySet<string>,
): Steps<string | undefined> {
  const candidates = spellingCandidates(q, mode, only);
  if (candidates.length === 0) return undefined;
  const global = yield* archiveTerms(placements, {
    terms: candidates.map((c) => c.term),
    prefixes: [],
    fuzzy: candidates.map(({ folded, distance }) => ({ word: folded, distance })),
    spellcheck: true,
  });
  return applySpellingFixes(q, spellingFixes(candidates, vocabularyOf(global)));
}

/** suggest.ts's completions, with archive-wide frequencies. */
export function* suggestSteps(
  placements: readonly Placement[],
  q: string,
  limit?: number,
): Steps<SuggestResponse> {
  const request = completionRequest(q, limit);
  if (!request) return { query: q, suggestions: [] };
  const global = yield* archiveTerms(placements, { terms: [], prefixes: [request.typed], fuzzy: [] });
  const vocabulary = vocabularyOf(global);
  const terms = vocabulary.expandPrefix(request.typed).map((e) => e.term);
  const forms = yield* surfaceForms(placements, terms, request.typed);
  return { query: q, suggestions: completions(request, vocabulary, (term) => forms.get(term)) };
}
