import type { ArchiveIndex } from '../documents/archive-index';
import { ANALYZER } from '../minisearch/index-definition';
import { documentFrequency, someDocumentWith } from '../minisearch/minisearch-internals';
import type { WalkBudget } from '../minisearch/radix-tree';
import { fold, tokenize } from '../text/analysis';
import type { QueryMode, QueryNode, TermNode } from './ast';
import { QueryError } from './errors';
import { expandPrefix } from './execute';
import { type FuzzyMatch, fuzzyMatches } from './fuzzy';
import {
  DEFAULT_SUGGEST_LIMIT,
  MAX_SPELLCHECK_STEPS,
  MAX_SPELLCHECK_WORDS,
  MAX_SUGGEST_LIMIT,
  MAX_SUGGEST_QUERY_LENGTH,
  MIN_SUGGEST_PREFIX,
} from './limits';
import { readQuery } from './read-query';

/** Words longer than this are not spell-checked (long words are rarely typos of indexed ones). */
const MAX_SPELLCHECK_LENGTH = 24;

/**
 * What completions and spelling corrections read from an index: one index's own figures
 * ({@link indexVocabulary}), or archive-wide ones gathered from time partitions (partitions/).
 */
export interface Vocabulary {
  /** Documents holding an index term. */
  documentFrequency(term: string): number;
  /**
   * The index terms of the words within `distance` edits of a typed word (fuzzy.ts's fuzzyMatches,
   * its own term excluded; bounded like a spelling hint), each with the word and its frequency.
   */
  spellingNeighbours(word: string, distance: number): SpellingNeighbour[];
  /** The index terms a typed prefix stands for, most frequent first (execute.ts's expandPrefix). */
  expandPrefix(typed: string): { term: string; weight: number }[];
}

/** A word a reader may have meant, the index term it analyses to, and that term's frequency. */
export interface SpellingNeighbour {
  term: string;
  word: string;
  distance: number;
  df: number;
}

/** Fuzzy matches as spelling neighbours, with the frequencies of their terms. */
export function spellingNeighbours(
  matches: readonly FuzzyMatch[],
  documentFrequency: (term: string) => number,
): SpellingNeighbour[] {
  return matches.map(([term, distance, word]) => ({ term, word, distance, df: documentFrequency(term) }));
}

/** A word as written for each index term (see {@link surfaceForm}); undefined when none is found. */
export type SurfaceForms = (term: string) => string | undefined;

/** The vocabulary of one index. */
export function indexVocabulary(index: ArchiveIndex): Vocabulary {
  const df = (term: string) => documentFrequency(index.engine, term);
  // One budget for the walks of one query, as a host of partitions shares one (partition-engine.ts).
  const budget = spellcheckBudget();
  return {
    documentFrequency: df,
    spellingNeighbours: (word, distance) =>
      spellingNeighbours(fuzzyMatches(index.surface(), ANALYZER, word, distance, budget), df),
    expandPrefix: (typed) => expandPrefix(index.engine, typed),
  };
}

/** The spell-check walks one index (or one host of partitions) may do for one query (limits.ts). */
export function spellcheckBudget(): WalkBudget {
  return { steps: MAX_SPELLCHECK_STEPS };
}

/**
 * A word of the index that analyses to `term`, as it appears in text (folded), found by reading
 * one document that contains the term. Index terms are stems (`negoti`), users want words.
 */
export function surfaceForm(index: ArchiveIndex, term: string, startingWith = ''): string | undefined {
  const id = someDocumentWith(index.engine, term);
  const doc = id === undefined ? undefined : index.document(id);
  if (!doc) return undefined;
  for (const text of [doc.title, doc.body]) {
    for (const word of tokenize(text)) {
      if (ANALYZER.term(word) !== term) continue;
      const folded = fold(word);
      if (folded.startsWith(startingWith)) return folded;
    }
  }
  return undefined;
}

function termNodes(node: QueryNode, out: TermNode[] = []): TermNode[] {
  if (node.kind === 'term') out.push(node);
  else if (node.kind === 'or') for (const c of node.children) termNodes(c, out);
  else if (node.kind === 'and') for (const c of node.children) termNodes(c, out);
  return out;
}

/** A typed word that may be misspelt: where it stands in `q`, its index term and the edits allowed. */
export interface SpellingCandidate {
  start: number;
  end: number;
  folded: string;
  term: string;
  distance: number;
}

/**
 * The plain words of a query worth spell-checking (operators, prefixes and words already marked
 * fuzzy are kept as typed: the reader asked for those).
 */
export function spellingCandidates(
  q: string,
  mode: QueryMode,
  only?: ReadonlySet<string>,
): SpellingCandidate[] {
  let ast: QueryNode | null;
  try {
    ast = readQuery(q, mode).node;
  } catch {
    return [];
  }
  if (!ast) return [];
  const out: SpellingCandidate[] = [];
  for (const node of termNodes(ast)) {
    if (node.prefix || node.fuzzy > 0) continue;
    const words = tokenize(node.text);
    if (words.length !== 1) continue;
    const word = words[0] as string;
    const folded = fold(word);
    const term = ANALYZER.term(word);
    if (term === null || folded.length < 3 || folded.length > MAX_SPELLCHECK_LENGTH) continue;
    if (only && !only.has(term)) continue;
    const start = node.start + node.text.indexOf(word);
    out.push({ start, end: start + word.length, folded, term, distance: folded.length >= 7 ? 2 : 1 });
    if (out.length === MAX_SPELLCHECK_WORDS) break;
  }
  return out;
}

/** A spelling fix: the typed word, and the word to offer instead. */
export interface SpellingFix {
  candidate: SpellingCandidate;
  word: string;
}

/**
 * For each candidate, the word within its edits whose index term is the most frequent (then the
 * closest), if that term is more frequent than the candidate's own. Words as written, so the hint
 * reads "government", not the stem `govern` or a sibling such as "governmental".
 */
export function spellingFixes(
  candidates: readonly SpellingCandidate[],
  vocabulary: Vocabulary,
): SpellingFix[] {
  const fixes: SpellingFix[] = [];
  for (const candidate of candidates) {
    const df = vocabulary.documentFrequency(candidate.term);
    let best: SpellingNeighbour | undefined;
    for (const c of vocabulary.spellingNeighbours(candidate.folded, candidate.distance)) {
      if (c.term === candidate.term || c.df <= df) continue;
      if (!best || c.df > best.df || (c.df === best.df && c.distance < best.distance)) best = c;
    }
    if (best) fixes.push({ candidate, word: best.word });
  }
  return fixes;
}

/** The query with each fixed word replaced; undefined when none applies. */
export function applySpellingFixes(q: string, fixes: readonly SpellingFix[]): string | undefined {
  const replacements = fixes.filter(({ candidate, word }) => word !== candidate.folded);
  if (replacements.length === 0) return undefined;
  let out = q;
  for (const { candidate, word } of replacements.sort((a, b) => b.candidate.start - a.candidate.start)) {
    out = out.slice(0, candidate.start) + word + out.slice(candidate.end);
  }
  return out;
}

/**
 * A corrected query when a search found little: each plain word that is rare or absent in the
 * index is replaced by the word within 1 edit (2 for words of 7+ letters) whose index term is the
 * most frequent, if more frequent than its own. Operators and other words are kept as typed.
 */
export function didYouMean(
  index: ArchiveIndex,
  q: string,
  mode: QueryMode,
  only?: ReadonlySet<string>,
): string | undefined {
  return applySpellingFixes(q, spellingFixes(spellingCandidates(q, mode, only), indexVocabulary(index)));
}

export interface Suggestion {
  /** The whole completed query text. */
  text: string;
  /** Articles containing the completed word. */
  count: number;
}

export interface SuggestResponse {
  query: string;
  suggestions: Suggestion[];
}

/** The word being typed (folded), the text before it and the number of suggestions wanted; null: none. */
export function completionRequest(
  q: string,
  limit = DEFAULT_SUGGEST_LIMIT,
): { typed: string; head: string; limit: number } | null {
  if (q.length > MAX_SUGGEST_QUERY_LENGTH) {
    throw new QueryError('query_too_long', `q is limited to ${MAX_SUGGEST_QUERY_LENGTH} characters`, 0);
  }
  const match = /([\p{L}\p{N}\p{M}'’]+)$/u.exec(q);
  if (!match) return null;
  const typed = fold(match[1] as string);
  if ([...typed].length < MIN_SUGGEST_PREFIX) return null;
  return {
    typed,
    head: q.slice(0, match.index),
    limit: Math.min(Math.max(Math.trunc(limit), 1), MAX_SUGGEST_LIMIT),
  };
}

/** Completions of a request from a vocabulary and the surface forms of its terms. */
export function completions(
  request: { typed: string; head: string; limit: number },
  vocabulary: Vocabulary,
  surface: SurfaceForms,
): Suggestion[] {
  const seen = new Set<string>();
  const suggestions: Suggestion[] = [];
  for (const { term } of vocabulary.expandPrefix(request.typed)) {
    if (suggestions.length >= request.limit) break;
    const word = surface(term);
    if (!word || seen.has(word)) continue;
    seen.add(word);
    suggestions.push({ text: request.head + word, count: vocabulary.documentFrequency(term) });
  }
  return suggestions;
}

/**
 * Completions for a search box: the last word being typed is completed with the most frequent
 * index words it begins (mapped back from stems to words), the earlier words kept as typed.
 * Bounded like a prefix query (MIN_SUGGEST_PREFIX, MAX_PREFIX_EXPANSIONS).
 */
export function suggest(index: ArchiveIndex, q: string, limit = DEFAULT_SUGGEST_LIMIT): SuggestResponse {
  const request = completionRequest(q, limit);
  if (!request) return { query: q, suggestions: [] };
  const surface = (term: string) => surfaceForm(index, term, request.typed);
  return { query: q, suggestions: completions(request, indexVocabulary(index), surface) };
}
