import { ANALYZER, SEARCH_FIELDS, type SearchField } from '../minisearch/index-definition';
import { type Analyzer, fold, tokenize, tokenizeWithOffsets } from '../text/analysis';
import type { QueryMode, QueryNode, TermNode } from './ast';
import { QueryError } from './errors';
import {
  MAX_FUZZY_TERMS,
  MAX_PHRASE_TERMS,
  MAX_PREFIX_TERMS,
  MAX_QUERY_TERMS,
  MIN_FUZZY_TERM_LENGTH,
  MIN_PREFIX_LENGTH,
} from './limits';
import type { QueryWord } from './relax';

/**
 * An executable query: the parse tree with every word analysed into index terms (the same chain
 * as indexing), stop words dropped, and the per-query guards checked.
 */
export type Plan =
  /** `word`: the folded (unstemmed) typed word, set when `fuzzy` > 0 (see fuzzy.ts). */
  | { kind: 'term'; term: string; fields: SearchField[]; fuzzy: number; word?: string }
  /** `prefix` is the folded (unstemmed) typed text; see expandPrefix in execute.ts. */
  | { kind: 'prefix'; prefix: string; fields: SearchField[] }
  | { kind: 'phrase'; terms: string[]; fields: SearchField[] }
  | { kind: 'and'; children: Plan[]; negated: Plan[] }
  | { kind: 'or'; children: Plan[] }
  /**
   * A reader's plain words (default and natural modes): searched as a weighted OR of the words
   * carrying most meaning, the default mode requiring as many as relax.ts decides.
   */
  | { kind: 'words'; words: QueryWord[]; fields: SearchField[]; negated: Plan[] };

interface Budget {
  terms: number;
  prefixes: number;
  fuzzy: number;
}

function fieldsOf(field: SearchField | null): SearchField[] {
  return field ? [field] : [...SEARCH_FIELDS];
}

function spend(budget: Budget, kind: keyof Budget, node: { start: number }): void {
  budget[kind]++;
  if (budget.terms > MAX_QUERY_TERMS) {
    throw new QueryError('too_many_terms', `at most ${MAX_QUERY_TERMS} terms per query`, node.start);
  }
  if (budget.prefixes > MAX_PREFIX_TERMS) {
    throw new QueryError(
      'too_many_prefix_terms',
      `at most ${MAX_PREFIX_TERMS} prefix terms per query`,
      node.start,
    );
  }
  if (budget.fuzzy > MAX_FUZZY_TERMS) {
    throw new QueryError(
      'too_many_fuzzy_terms',
      `at most ${MAX_FUZZY_TERMS} fuzzy terms per query`,
      node.start,
    );
  }
}

function planPhrase(
  text: string,
  field: SearchField | null,
  node: { start: number },
  analyzer: Analyzer,
  budget: Budget,
): Plan | null {
  const terms = analyzer.terms(text);
  if (terms.length > MAX_PHRASE_TERMS) {
    throw new QueryError('too_many_phrase_terms', `at most ${MAX_PHRASE_TERMS} words per phrase`, node.start);
  }
  for (let i = 0; i < terms.length; i++) spend(budget, 'terms', node);
  if (terms.length === 0) return null;
  const fields = fieldsOf(field);
  const [only] = terms;
  if (terms.length === 1 && only !== undefined) return { kind: 'term', term: only, fields, fuzzy: 0 };
  return { kind: 'phrase', terms, fields };
}

function planTerm(node: TermNode, mode: QueryMode, analyzer: Analyzer, budget: Budget): Plan | null {
  const fields = fieldsOf(node.field);
  const words = tokenize(node.text);
  if (node.prefix || node.fuzzy > 0) {
    if (words.length !== 1) {
      throw new QueryError('invalid_prefix', 'prefix and fuzzy matching apply to a single word', node.start);
    }
    const folded = fold(words[0] as string);
    if (node.prefix) {
      // The minimum holds for the analysed form: `é́́*` folds to `e*`, which would expand to
      // every term starting with e (issue 12: combining marks got past a check on the raw text).
      if ([...folded].length < MIN_PREFIX_LENGTH) {
        throw new QueryError(
          'prefix_too_short',
          `a prefix needs at least ${MIN_PREFIX_LENGTH} letters before * (after accents are folded)`,
          node.start,
        );
      }
      spend(budget, 'terms', node);
      spend(budget, 'prefixes', node);
      return { kind: 'prefix', prefix: folded, fields };
    }
    const term = analyzer.term(words[0] as string);
    if (term === null) return null;
    const fuzzy = folded.length >= MIN_FUZZY_TERM_LENGTH ? node.fuzzy : 0;
    spend(budget, 'terms', node);
    if (fuzzy === 0) return { kind: 'term', term, fields, fuzzy };
    spend(budget, 'fuzzy', node);
    return { kind: 'term', term, fields, fuzzy, word: folded };
  }
  if (words.length > 1 && mode === 'all') {
    // A hyphenated or punctuated word (`US-Russia`, `e-mail`) means its parts in sequence.
    return planPhrase(node.text, node.field, node, analyzer, budget);
  }
  const children: Plan[] = [];
  for (const word of words) {
    const term = analyzer.term(word);
    if (term === null) continue;
    spend(budget, 'terms', node);
    children.push({ kind: 'term', term, fields, fuzzy: 0 });
  }
  if (children.length <= 1) return children[0] ?? null;
  return { kind: 'or', children };
}

function planNode(node: QueryNode, mode: QueryMode, analyzer: Analyzer, budget: Budget): Plan | null {
  switch (node.kind) {
    case 'term':
      return planTerm(node, mode, analyzer, budget);
    case 'phrase':
      return planPhrase(node.text, node.field, node, analyzer, budget);
    case 'or': {
      const children = flatten(
        'or',
        node.children.map((c) => planNode(c, mode, analyzer, budget)),
      );
      if (children.length <= 1) return children[0] ?? null;
      return { kind: 'or', children };
    }
    case 'and': {
      const children = flatten(
        'and',
        node.children.map((c) => planNode(c, mode, analyzer, budget)),
      );
      const negated = node.negated
        .map((c) => planNode(c, mode, analyzer, budget))
        .filter((p): p is Plan => p !== null);
      // Every positive word was a stop word: nothing can match (rather than everything).
      if (children.length === 0) return null;
      const [only] = children;
      if (children.length === 1 && negated.length === 0 && only) return only;
      return { kind: 'and', children, negated };
    }
  }
}

function flatten(kind: 'and' | 'or', plans: (Plan | null)[]): Plan[] {
  const out: Plan[] = [];
  for (const p of plans) {
    if (p === null) continue;
    if (p.kind === kind && (p.kind !== 'and' || p.negated.length === 0)) out.push(...p.children);
    else out.push(p);
  }
  return out;
}

/** The distinct analysed words of free text (stop words dropped), with how often each is repeated. */
function planWords(node: QueryNode, negated: Plan[], analyzer: Analyzer): Plan | null {
  const chunks = node.kind === 'or' ? node.children : [node];
  const byTerm = new Map<string, QueryWord>();
  for (const chunk of chunks) {
    if (chunk.kind !== 'term') continue;
    for (const token of tokenizeWithOffsets(chunk.text)) {
      const term = analyzer.term(token.text);
      if (term === null) continue;
      const seen = byTerm.get(term);
      if (seen) seen.count++;
      else byTerm.set(term, { term, text: token.text, count: 1, order: byTerm.size });
    }
  }
  if (byTerm.size === 0) return null;
  return { kind: 'words', words: [...byTerm.values()], fields: [...SEARCH_FIELDS], negated };
}

/**
 * Analyses a parsed query and checks the per-query guards. Free text (`plain`, or natural mode)
 * becomes a `words` plan, whose cost relax.ts bounds by choosing the words to search.
 * @returns the plan, or null when nothing searchable is left (only stop words): no hits.
 * @throws QueryError when a guard is exceeded.
 */
export function planQuery(
  node: QueryNode,
  mode: QueryMode,
  plain = false,
  negated: readonly QueryNode[] = [],
  analyzer: Analyzer = ANALYZER,
): Plan | null {
  if (plain || mode === 'natural') {
    const budget = { terms: 0, prefixes: 0, fuzzy: 0 };
    const excluded = negated
      .map((n) => planNode(n, 'all', analyzer, budget))
      .filter((p): p is Plan => p !== null);
    return planWords(node, excluded, analyzer);
  }
  return planNode(node, mode === 'auto' ? 'all' : mode, analyzer, { terms: 0, prefixes: 0, fuzzy: 0 });
}
