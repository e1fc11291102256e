import { fold, tokenize } from './analysis';
import type { ArchiveIndex } from './archive-index';
import { ANALYZER } from './index-definition';
import { documentFrequency, fuzzyTerms, someDocumentWith } from './minisearch-internals';
import type { QueryMode, QueryNode, TermNode } from './query/ast';
import { QueryError } from './query/errors';
import { expandPrefix } from './query/execute';
import {
  DEFAULT_SUGGEST_LIMIT,
  MAX_SUGGEST_LIMIT,
  MAX_SUGGEST_QUERY_LENGTH,
  MIN_SUGGEST_PREFIX,
} from './query/limits';
import { parseQuery } from './query/parser';

/** Words longer than this are not spell-checked (long words are rarely typos of indexed ones). */
const MAX_SPELLCHECK_LENGTH = 24;

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

/**
 * A corrected query when a search found little: each plain word that is rare or absent in the
 * index is replaced by the most frequent index word within 1 edit (2 for words of 7+ letters), if
 * that word is more frequent. Operators and other words are kept as typed.
 */
export function didYouMean(index: ArchiveIndex, q: string, mode: QueryMode): string | undefined {
  let ast: QueryNode | null;
  try {
    ast = parseQuery(q, mode);
  } catch {
    return undefined;
  }
  if (!ast) return undefined;
  const replacements: { start: number; end: number; word: string }[] = [];
  for (const node of termNodes(ast)) {
    if (node.prefix) continue;
    const words = tokenize(node.text);
    if (words.length !== 1) continue;
    const folded = fold(words[0] as string);
    const term = ANALYZER.term(words[0] as string);
    if (term === null || folded.length < 3 || folded.length > MAX_SPELLCHECK_LENGTH) continue;
    const df = documentFrequency(index.engine, term);
    const distance = folded.length >= 7 ? 2 : 1;
    let best: { term: string; df: number; distance: number } | undefined;
    for (const c of fuzzyTerms(index.engine, term, distance)) {
      if (c.term === term || c.df <= df) continue;
      if (!best || c.df > best.df || (c.df === best.df && c.distance < best.distance)) best = c;
    }
    if (!best) continue;
    const word = surfaceForm(index, best.term);
    if (word && word !== folded) {
      const start = node.start + node.text.indexOf(words[0] as string);
      replacements.push({ start, end: start + (words[0] as string).length, word });
    }
  }
  if (replacements.length === 0) return undefined;
  let out = q;
  for (const r of replacements.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, r.start) + r.word + out.slice(r.end);
  }
  return out;
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

/**
 * Completions for a search box: the last word being typed is completed with the most frequent
 * index words it begins (mapped back from stems to words), the earlier words kept as typed.
 * Bounded like a prefix query (MIN_SUGGEST_PREFIX, MAX_PREFIX_EXPANSIONS).
 */
export function suggest(index: ArchiveIndex, q: string, limit = DEFAULT_SUGGEST_LIMIT): SuggestResponse {
  if (q.length > MAX_SUGGEST_QUERY_LENGTH) {
    throw new QueryError('query_too_long', `q is limited to ${MAX_SUGGEST_QUERY_LENGTH} characters`, 0);
  }
  const n = Math.min(Math.max(Math.trunc(limit), 1), MAX_SUGGEST_LIMIT);
  const match = /([\p{L}\p{N}\p{M}'’]+)$/u.exec(q);
  if (!match) return { query: q, suggestions: [] };
  const typed = fold(match[1] as string);
  if ([...typed].length < MIN_SUGGEST_PREFIX) return { query: q, suggestions: [] };
  const head = q.slice(0, match.index);
  const seen = new Set<string>();
  const suggestions: Suggestion[] = [];
  for (const { term } of expandPrefix(index.engine, typed)) {
    if (suggestions.length >= n) break;
    const word = surfaceForm(index, term, typed);
    if (!word || seen.has(word)) continue;
    seen.add(word);
    suggestions.push({ text: head + word, count: documentFrequency(index.engine, term) });
  }
  return { query: q, suggestions };
}
