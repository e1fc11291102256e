import type { Article } from '@archive/core';
import { ArchiveIndex } from '../documents/archive-index';
import { matchRequest } from '../documents/search';
import type { SearchRequest } from '../documents/search-types';
import { type FilterInput, hasFilters, passes } from '../query/filters';
import { type Plan, planQuery } from '../query/plan';
import { readQuery } from '../query/read-query';
import { type NormalisedRequest, normaliseRequest } from '../query/search-request';

/**
 * What a standing search (an alert) asks for: the query and filters `/search` accepts. It is
 * always read in `all` mode, strictly: an alert must say exactly what it wants (the default mode's
 * relaxation to "some of the words" is a ranking device and means nothing for one article).
 */
export interface StandingQuery extends FilterInput {
  q?: string | undefined;
}

/**
 * The index terms an article must hold at least one of to match (a disjunction), or null when no
 * such set can be named (filters only, a prefix or fuzzy term on every path, an OR with such a
 * branch): those queries are checked against every article.
 */
export type RequiredTerms = readonly string[] | null;

/** The engine's request for a standing query (all mode, strict, one hit is enough). */
export function standingRequest(query: StandingQuery): SearchRequest {
  return { ...query, mode: 'all', strict: true, limit: 1 };
}

/**
 * Checks a standing query the way `/search` reads one (same parser, guards and filter checks).
 * @throws QueryError or SearchRequestError, as `/search` does for the same input.
 */
export function checkStandingQuery(query: StandingQuery): void {
  compileStandingQuery(query);
}

/** The terms one of which any match must hold (see {@link RequiredTerms}). */
export function requiredTerms(query: StandingQuery): RequiredTerms {
  if (query.q === undefined || query.q.trim() === '') return null;
  const read = readQuery(query.q, 'all', true);
  if (read.node === null) return null;
  const plan = planQuery(read.node, 'all');
  // Only stop words: the query matches nothing, so no article needs to be checked.
  if (plan === null) return [];
  return requiredOf(plan);
}

function requiredOf(plan: Plan): RequiredTerms {
  switch (plan.kind) {
    case 'term':
      return plan.fuzzy > 0 ? null : [plan.term];
    case 'prefix':
      return null;
    case 'phrase':
      // Every word of a phrase is required; the longest is the likeliest to be rare.
      return [longest(plan.terms)];
    case 'words':
      return null;
    case 'and': {
      // Any one child's terms will do; the narrowest (fewest alternatives, longest word) is best.
      let best: readonly string[] | null = null;
      for (const child of plan.children) {
        const terms = requiredOf(child);
        if (terms !== null && (best === null || narrower(terms, best))) best = terms;
      }
      return best;
    }
    case 'or': {
      const all = new Set<string>();
      for (const child of plan.children) {
        const terms = requiredOf(child);
        if (terms === null) return null;
        for (const term of terms) all.add(term);
      }
      return [...all];
    }
  }
}

function longest(terms: readonly string[]): string {
  return terms.reduce((a, b) => (b.length > a.length ? b : a), terms[0] ?? '');
}

function narrower(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  return longest(a).length > longest(b).length;
}

/**
 * The article as a one-document index: a standing query is verified against it with the very
 * search `/search` runs, so an alert fires exactly when `/search` would list the article.
 */
export function singleArticleIndex(article: Article): ArchiveIndex {
  const index = ArchiveIndex.empty();
  index.applyUpsert(article);
  return index;
}

/** A standing query read once (parsed, analysed, filters resolved), for checking many articles. */
export type CompiledStandingQuery = Pick<NormalisedRequest, 'plan' | 'mode' | 'filters' | 'hasQuery'>;

/** @throws QueryError or SearchRequestError, as {@link checkStandingQuery}. */
export function compileStandingQuery(query: StandingQuery): CompiledStandingQuery {
  const { plan, mode, filters, hasQuery } = normaliseRequest(standingRequest(query));
  return { plan, mode, filters, hasQuery };
}

/**
 * Whether `/search` with this query over an index holding the article would list it, without
 * what a page of results needs (ranking, facets, snippets, suggestions): the same plan executed by the same matcher `/search` counts its `total` with, or,
 * without a query, the same filter `/search` lists by. The filters are tried first: they are cheap.
 */
export function matchesCompiled(
  index: ArchiveIndex,
  article: Article,
  query: CompiledStandingQuery,
): boolean {
  const { filters } = query;
  if (hasFilters(filters)) {
    const doc = index.document(article.id);
    const time = index.timeOf(article.id);
    if (doc === undefined || time === undefined || !passes(filters, doc, time)) return false;
  }
  if (!query.hasQuery) return true;
  return matchRequest(index, query).hits.size > 0;
}
