import type MiniSearch from 'minisearch';
import type { SearchField } from '../minisearch/index-definition';
import { BM25_PARAMS, FIELD_WEIGHTS } from '../minisearch/index-definition';
import {
  type CollectionStats,
  prefixTerms,
  type ScoredTerm,
  scoreTerms,
} from '../minisearch/minisearch-internals';
import type { Analyzer } from '../text/analysis';
import type { SurfaceVocabulary } from '../text/surface-vocabulary';
import { type FuzzyMatch, fuzzyMatches, fuzzyWeight } from './fuzzy';
import { HitList, intersectHits, type TermSetTable, unionHits } from './hit-list';
import { MAX_PREFIX_EXPANSIONS, MIN_PREFIX_LENGTH } from './limits';
import type { Plan } from './plan';

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
  /** Interns the matched-term sets of this query's hits. */
  termSets: TermSetTable;
  /**
   * The index's words as written, for fuzzy words (fuzzy.ts); unused with a dictionary. A function:
   * an index may derive it on first use, which a query without fuzzy words should not pay for.
   */
  surface(): SurfaceVocabulary;
  /**
   * Archive-wide expansions and statistics to score with instead of the index's own: set when the
   * index is one time partition of the archive (partitions/), so that its scores and expansions
   * are those of one index over the whole archive.
   */
  dictionary?: TermDictionary;
}

/** Expansions and BM25 statistics of a collection larger than the index at hand. */
export interface TermDictionary {
  /** As fuzzy.ts's fuzzyMatches (the typed word's own term excluded) over the whole collection. */
  fuzzyTerms(word: string, maxDistance: number): readonly FuzzyMatch[];
  /** As {@link expandPrefix} over the whole collection. */
  expandPrefix(typed: string): { term: string; weight: number }[];
  /** Documents holding a term in any field (counted per field, as documentFrequency does). */
  documentFrequency(term: string): number;
  stats: CollectionStats;
}

/** MiniSearch's own weighting of prefix expansions (kept so scores stay comparable to its own). */
const PREFIX_WEIGHT = 0.375;

/**
 * The terms to score for one query term, in the order and with the weights of MiniSearch's
 * `executeQuerySpec`: the term itself, then (fuzzy) the terms of the words within the edit distance
 * of the typed word (fuzzy.ts), each weighted by its word's distance.
 */
function termsToScore(
  ctx: ExecutionContext,
  term: string,
  fuzzy: { word: string; distance: number } | null,
  weight: number,
): ScoredTerm[] {
  const out: ScoredTerm[] = [{ term, weight: 1, boost: weight }];
  if (!fuzzy) return out;
  const matches =
    ctx.dictionary?.fuzzyTerms(fuzzy.word, fuzzy.distance) ??
    fuzzyMatches(ctx.surface(), ctx.analyzer, fuzzy.word, fuzzy.distance);
  for (const match of matches) out.push({ term: match[0], weight: fuzzyWeight(match), boost: weight });
  return out;
}

/** scoreTerms (BM25F) with the engine's field weights and the context's statistics. */
function scoreGroups(
  ctx: ExecutionContext,
  groups: readonly (readonly ScoredTerm[])[],
  fields: readonly SearchField[],
): HitList {
  return scoreTerms(
    ctx.miniSearch,
    groups,
    fields,
    FIELD_WEIGHTS,
    BM25_PARAMS,
    ctx.termSets,
    ctx.dictionary?.stats,
  );
}

function leaf(
  ctx: ExecutionContext,
  term: string,
  fields: SearchField[],
  fuzzy: { word: string; distance: number } | null,
  weight = 1,
): HitList {
  return scoreGroups(ctx, [termsToScore(ctx, term, fuzzy, weight)], fields);
}

/** How many characters a stem may be shorter than the word it came from (Porter: `-ational`). */
const MAX_STEM_CUT = 4;

/**
 * The radix-tree key to walk for a typed prefix, and which index terms under it it stands for.
 * Index terms are stems, so a typed prefix can be longer than the stem of the words it begins
 * (`negotiat*` → `negoti`): terms that the typed text extends count as exact matches, terms that
 * extend it as prefix matches.
 */
export function prefixScope(typed: string): { key: string; accept: (term: string) => boolean } {
  const key = typed.slice(0, Math.max(MIN_PREFIX_LENGTH, typed.length - MAX_STEM_CUT));
  return {
    key,
    accept: (term) =>
      term.startsWith(typed) ||
      (typed.startsWith(term) && term.length >= key.length && couldBeCutSuffix(typed.slice(term.length))),
  };
}

/**
 * Endings Porter's stemmer removes (steps 1–5). A stem shorter than the typed prefix stands for
 * words the prefix begins only when what the prefix adds to it can begin such an ending:
 * `negotiat*` covers `negoti` (from "negotiate": `at` begins `-ate`), but `negot*` does not cover
 * `neg` (from "negative": no ending begins with `ot`), nor `presid*` `pre`. Written out here because
 * the stemmer package exposes no list of its suffixes.
 */
const PORTER_ENDINGS = [
  'sses',
  'ies',
  'ss',
  's',
  'eed',
  'ed',
  'ing',
  'y',
  'ational',
  'tional',
  'enci',
  'anci',
  'izer',
  'bli',
  'alli',
  'entli',
  'eli',
  'ousli',
  'ization',
  'ation',
  'ator',
  'alism',
  'iveness',
  'fulness',
  'ousness',
  'aliti',
  'iviti',
  'biliti',
  'logi',
  'icate',
  'ative',
  'alize',
  'iciti',
  'ical',
  'ful',
  'ness',
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ion',
  'ou',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
  'e',
  'l',
];

function couldBeCutSuffix(extra: string): boolean {
  return PORTER_ENDINGS.some((ending) => ending.startsWith(extra));
}

/** MiniSearch's weight of an expansion of a typed prefix. */
export function expansionWeight(typed: string, term: string): number {
  const distance = Math.max(0, term.length - typed.length);
  return distance === 0 ? 1 : (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * distance);
}

/**
 * Index terms a typed prefix stands for (see {@link prefixScope}), with MiniSearch's prefix
 * weighting, the MAX_PREFIX_EXPANSIONS most frequent kept (see minisearch-internals' prefixTerms
 * for the order).
 */
export function expandPrefix(
  // biome-ignore lint/suspicious/noExplicitAny: the document type is irrelevant here.
  miniSearch: MiniSearch<any>,
  typed: string,
): { term: string; weight: number }[] {
  const { key, accept } = prefixScope(typed);
  return prefixTerms(miniSearch, key, MAX_PREFIX_EXPANSIONS, accept).map(({ term }) => ({
    term,
    weight: expansionWeight(typed, term),
  }));
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
function phraseCandidates(ctx: ExecutionContext, plan: PhrasePlan): HitList {
  let result: HitList | null = null;
  for (const term of plan.terms) {
    const m = leaf(ctx, term, plan.fields, null);
    result = result ? intersectHits(result, m, ctx.termSets) : m;
    if (result.size === 0) break;
  }
  return result ?? new HitList(0);
}

function verify(ctx: ExecutionContext, hits: HitList, phrases: PhrasePlan[]): HitList {
  if (phrases.length === 0) return hits;
  const checks = phrases.map((p) => ({ plan: p, known: ctx.sequenceMatcher?.(p.terms) }));
  return hits.filter((id) =>
    checks.every((c) => containsPhrase(ctx, id, c.plan.terms, c.plan.fields, c.known)),
  );
}

/** OR of weighted exact terms in one scoring pass (summed per term, then across terms in order). */
function weightedTerms(
  ctx: ExecutionContext,
  weighted: Iterable<{ term: string; weight: number }>,
  fields: SearchField[],
): HitList {
  const groups = [...weighted].map(({ term, weight }) => [{ term, weight: 1, boost: weight }]);
  return scoreGroups(ctx, groups, fields);
}

/**
 * Evaluates a plan. Phrases directly under the root AND are returned unverified in `pending` so the
 * caller can check them only on documents that survived the other clauses and the filters (the
 * positional check reads stored text, the only per-hit cost that grows with document length).
 */
function evaluate(ctx: ExecutionContext, plan: Plan, pending: PhrasePlan[] | null): HitList {
  switch (plan.kind) {
    case 'term':
      return leaf(
        ctx,
        plan.term,
        plan.fields,
        plan.fuzzy > 0 && plan.word !== undefined ? { word: plan.word, distance: plan.fuzzy } : null,
      );
    case 'prefix':
      return weightedTerms(
        ctx,
        ctx.dictionary?.expandPrefix(plan.prefix) ?? expandPrefix(ctx.miniSearch, plan.prefix),
        plan.fields,
      );
    case 'phrase': {
      const candidates = phraseCandidates(ctx, plan);
      if (pending) {
        pending.push(plan);
        return candidates;
      }
      return verify(ctx, candidates, [plan]);
    }
    case 'or': {
      let out = new HitList(0);
      for (const child of plan.children) out = unionHits(out, evaluate(ctx, child, null), ctx.termSets);
      return out;
    }
    case 'and': {
      // Cheapest first would need document frequencies; term order is good enough and bounded.
      let result: HitList | null = null;
      for (const child of plan.children) {
        const m = evaluate(ctx, child, pending);
        result = result ? intersectHits(result, m, ctx.termSets) : m;
        if (result.size === 0) return result;
      }
      const out = result ?? new HitList(0);
      for (const neg of plan.negated) out.subtract(evaluate(ctx, neg, null));
      return out;
    }
    case 'words':
      return weightedTerms(
        ctx,
        plan.words.map((w) => ({ term: w.term, weight: 1 })),
        plan.fields,
      );
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
): HitList {
  const pending: PhrasePlan[] = [];
  const hits = evaluate(ctx, plan, pending);
  if (keep) hits.filter(keep);
  return verify(ctx, hits, pending);
}

/** Runs a weighted OR of exact index terms (the expanded query of feedback.ts), filtered by `keep`. */
export function executeWeighted(
  ctx: ExecutionContext,
  weights: Map<string, number>,
  fields: SearchField[],
  keep: ((shortId: number) => boolean) | null,
): HitList {
  const out = weightedTerms(
    ctx,
    [...weights].map(([term, weight]) => ({ term, weight })),
    fields,
  );
  return keep ? out.filter(keep) : out;
}
