import type MiniSearch from 'minisearch';
import type { Analyzer } from '../analysis';
import type { SearchField } from '../index-definition';
import { BM25_PARAMS, FIELD_BOOSTS } from '../index-definition';
import { executeRaw, fuzzyTerms, prefixTerms, type ScoredTerm, scoreTerms } from '../minisearch-internals';
import { MAX_PREFIX_EXPANSIONS, MIN_PREFIX_LENGTH } from './limits';
import type { Plan } from './plan';

/** A matching document: BM25 sum and the index terms it matched (for highlighting). */
export interface Match {
  score: number;
  /** Shared between documents matched by the same terms: never mutate, replace (see mergeTerms). */
  terms: ReadonlySet<string>;
}

/** short doc id → match */
export type Matches = Map<number, Match>;

/** What the executor needs from the index besides MiniSearch: stored text for phrase checks. */
export interface ExecutionContext {
  // biome-ignore lint/suspicious/noExplicitAny: the document type is irrelevant to execution.
  miniSearch: MiniSearch<any>;
  analyzer: Analyzer;
  /** Text of a field of a document (short id), or undefined if gone. */
  fieldText(shortId: number, field: SearchField): string | undefined;
  /**
   * Optional fast phrase check for `terms` (see ArchiveIndex.sequenceMatcher): true/false when
   * the index knows the document's term sequence, undefined to fall back to the text.
   */
  sequenceMatcher?(terms: readonly string[]): (shortId: number, field: SearchField) => boolean | undefined;
}

/** MiniSearch's own weighting of prefix expansions (kept so scores stay comparable to its own). */
const PREFIX_WEIGHT = 0.375;

/** MiniSearch's defaults for fuzzy matches (`maxFuzzy`, `weights.fuzzy`), mirrored by the fast path. */
const MAX_FUZZY = 6;
const FUZZY_WEIGHT = 0.45;

const identityTokenize = (text: string): string[] => [text];
const identityTerm = (term: string): string => term;

/**
 * The terms MiniSearch's `executeQuerySpec` scores for one query term, in its order and with its
 * weights: the term itself, then (fuzzy) every index term within the edit distance.
 */
function termsToScore(ctx: ExecutionContext, term: string, fuzzy: number, weight: number): ScoredTerm[] {
  const out: ScoredTerm[] = [{ term, weight: 1, boost: weight }];
  if (fuzzy <= 0) return out;
  const maxDistance = fuzzy < 1 ? Math.min(MAX_FUZZY, Math.round(term.length * fuzzy)) : fuzzy;
  if (!maxDistance) return out;
  for (const match of fuzzyTerms(ctx.miniSearch, term, maxDistance)) {
    if (!match.distance) continue;
    const fuzzyWeight = (FUZZY_WEIGHT * match.term.length) / (match.term.length + match.distance);
    out.push({ term: match.term, weight: fuzzyWeight, boost: weight });
  }
  return out;
}

function leaf(
  ctx: ExecutionContext,
  term: string,
  fields: SearchField[],
  fuzzy: number,
  weight = 1,
): Matches {
  const fast = scoreTerms(
    ctx.miniSearch,
    [termsToScore(ctx, term, fuzzy, weight)],
    fields,
    FIELD_BOOSTS,
    BM25_PARAMS,
  );
  if (fast) return fast;
  const raw = executeRaw(ctx.miniSearch, {
    queries: [term],
    fields,
    fuzzy: fuzzy > 0 ? fuzzy : false,
    prefix: false,
    tokenize: identityTokenize,
    processTerm: identityTerm,
    boostTerm: () => weight,
  } as never);
  const out: Matches = new Map();
  for (const [id, r] of raw) out.set(id, { score: r.score, terms: new Set(Object.keys(r.match)) });
  return out;
}

/** How many characters a stem may be shorter than the word it came from (Porter: `-ational`). */
const MAX_STEM_CUT = 4;

/**
 * Index terms a typed prefix stands for, with MiniSearch's prefix weighting, the
 * MAX_PREFIX_EXPANSIONS most frequent kept. Index terms are stems, so a typed prefix can be longer
 * than the stem of the words it begins (`negotiat*` → `negoti`): terms that the typed text extends
 * count as exact matches, terms that extend it as prefix matches.
 */
export function expandPrefix(
  // biome-ignore lint/suspicious/noExplicitAny: the document type is irrelevant here.
  miniSearch: MiniSearch<any>,
  typed: string,
): { term: string; weight: number }[] {
  const key = typed.slice(0, Math.max(MIN_PREFIX_LENGTH, typed.length - MAX_STEM_CUT));
  const accept = (term: string) =>
    term.startsWith(typed) || (typed.startsWith(term) && term.length >= key.length);
  return prefixTerms(miniSearch, key, MAX_PREFIX_EXPANSIONS, accept).map(({ term }) => {
    const distance = Math.max(0, term.length - typed.length);
    const weight = distance === 0 ? 1 : (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * distance);
    return { term, weight };
  });
}

type TermSet = ReadonlySet<string>;

/**
 * Unions of matched-term sets, memoised for one combining step: documents matched by the same
 * terms share one set, so a query matching 100k documents builds a handful of sets, not 100k.
 */
function termMerger(): (a: TermSet, b: TermSet) => TermSet {
  const memo = new Map<TermSet, Map<TermSet, TermSet>>();
  return (a, b) => {
    if (a === b) return a;
    let inner = memo.get(a);
    if (!inner) {
      inner = new Map();
      memo.set(a, inner);
    }
    let merged = inner.get(b);
    if (!merged) {
      const all = new Set(a);
      for (const t of b) all.add(t);
      merged = all.size === a.size ? a : all.size === b.size ? b : all;
      inner.set(b, merged);
    }
    return merged;
  };
}

function union(into: Matches, other: Matches): Matches {
  const merge = termMerger();
  for (const [id, m] of other) {
    const existing = into.get(id);
    if (!existing) into.set(id, m);
    else {
      existing.score += m.score;
      existing.terms = merge(existing.terms, m.terms);
    }
  }
  return into;
}

function intersect(a: Matches, b: Matches): Matches {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const merge = termMerger();
  const out: Matches = new Map();
  for (const [id, m] of small) {
    const other = large.get(id);
    if (!other) continue;
    out.set(id, { score: m.score + other.score, terms: merge(m.terms, other.terms) });
  }
  return out;
}

/** True when the analysed text of one of `fields` contains `terms` consecutively. */
export function containsPhrase(
  ctx: ExecutionContext,
  shortId: number,
  terms: string[],
  fields: SearchField[],
  known?: (shortId: number, field: SearchField) => boolean | undefined,
) {
  for (const field of fields) {
    const fast = known?.(shortId, field);
    if (fast === true) return true;
    if (fast === false) continue;
    const text = ctx.fieldText(shortId, field);
    if (text === undefined) continue;
    const seq = ctx.analyzer.terms(text);
    outer: for (let i = 0; i + terms.length <= seq.length; i++) {
      for (let j = 0; j < terms.length; j++) if (seq[i + j] !== terms[j]) continue outer;
      return true;
    }
  }
  return false;
}

type PhrasePlan = Extract<Plan, { kind: 'phrase' }>;

/** Candidates of a phrase: documents holding all its terms in one of its fields (unverified). */
function phraseCandidates(ctx: ExecutionContext, plan: PhrasePlan): Matches {
  let result: Matches | null = null;
  for (const term of plan.terms) {
    const m = leaf(ctx, term, plan.fields, 0);
    result = result ? intersect(result, m) : m;
    if (result.size === 0) break;
  }
  return result ?? new Map();
}

function verify(ctx: ExecutionContext, matches: Matches, phrases: PhrasePlan[]): Matches {
  if (phrases.length === 0) return matches;
  const checks = phrases.map((p) => ({ plan: p, known: ctx.sequenceMatcher?.(p.terms) }));
  for (const id of [...matches.keys()]) {
    if (!checks.every((c) => containsPhrase(ctx, id, c.plan.terms, c.plan.fields, c.known)))
      matches.delete(id);
  }
  return matches;
}

/**
 * Evaluates a plan. Phrases directly under the root AND are returned unverified in `pending` so the
 * caller can check them only on documents that survived the other clauses and the filters (the
 * positional check reads stored text, the only per-hit cost that grows with document length).
 */
function evaluate(ctx: ExecutionContext, plan: Plan, pending: PhrasePlan[] | null): Matches {
  switch (plan.kind) {
    case 'term':
      return leaf(ctx, plan.term, plan.fields, plan.fuzzy);
    case 'prefix': {
      const expansions = expandPrefix(ctx.miniSearch, plan.prefix);
      // One pass over all expansions, summed per expansion then across them (the OR below).
      const groups = expansions.map(({ term, weight }) => [{ term, weight: 1, boost: weight }]);
      const fast = scoreTerms(ctx.miniSearch, groups, plan.fields, FIELD_BOOSTS, BM25_PARAMS);
      if (fast) return fast;
      const out: Matches = new Map();
      for (const { term, weight } of expansions) union(out, leaf(ctx, term, plan.fields, 0, weight));
      return out;
    }
    case 'phrase': {
      const candidates = phraseCandidates(ctx, plan);
      if (pending) {
        pending.push(plan);
        return candidates;
      }
      return verify(ctx, candidates, [plan]);
    }
    case 'or': {
      const out: Matches = new Map();
      for (const child of plan.children) union(out, evaluate(ctx, child, null));
      return out;
    }
    case 'and': {
      // Cheapest first would need document frequencies; term order is good enough and bounded.
      let result: Matches | null = null;
      for (const child of plan.children) {
        const m = evaluate(ctx, child, pending);
        result = result ? intersect(result, m) : m;
        if (result.size === 0) return result;
      }
      const out = result ?? new Map();
      for (const neg of plan.negated) {
        for (const id of evaluate(ctx, neg, null).keys()) out.delete(id);
      }
      return out;
    }
  }
}

/**
 * Runs a plan: all matching documents with scores and matched terms. `keep` (the filters) is
 * applied before the positional phrase checks; null keeps everything.
 */
export function executePlan(
  ctx: ExecutionContext,
  plan: Plan,
  keep: ((shortId: number) => boolean) | null,
): Matches {
  const pending: PhrasePlan[] = [];
  const matches = evaluate(ctx, plan, pending);
  if (keep) for (const id of [...matches.keys()]) if (!keep(id)) matches.delete(id);
  return verify(ctx, matches, pending);
}

/** Runs a weighted OR of exact index terms (the expanded query of feedback.ts), filtered by `keep`. */
export function executeWeighted(
  ctx: ExecutionContext,
  weights: Map<string, number>,
  fields: SearchField[],
  keep: ((shortId: number) => boolean) | null,
): Matches {
  const out: Matches = new Map();
  for (const [term, weight] of weights) union(out, leaf(ctx, term, fields, 0, weight));
  if (keep) for (const id of [...out.keys()]) if (!keep(id)) out.delete(id);
  return out;
}
