import type { Article } from '@archive/core';
import { ANALYZER } from '../minisearch/index-definition';
import { PartitionedIndex } from '../partitions/partitioned-index';
import {
  type CompiledStandingQuery,
  compileStandingQuery,
  matchesCompiled,
  type RequiredTerms,
  requiredTerms,
  type StandingQuery,
  singleArticleIndex,
  standingRequest,
} from './standing-query';

/** A standing search as the percolator keeps it. */
export interface PercolatedAlert {
  id: string;
  query: StandingQuery;
}

/**
 * Reverse search, as Elasticsearch's percolator does: the alerts' queries are indexed by the terms
 * a match must hold, so one article is checked only against the alerts that name one of its terms
 * (plus the few that name none: filters only, prefixes, fuzzy terms). The cost of an article is
 * its analysis, one single-document index, and one verification per candidate; it does not grow
 * with the number of alerts that share no term with it.
 *
 * Every candidate is verified with the matcher `/search` counts its hits with (standing-query.ts),
 * so the answer equals running `/search` for every alert (percolator.property.test.ts holds it to
 * that).
 */
export class Percolator {
  private readonly alerts = new Map<
    string,
    PercolatedAlert & { required: RequiredTerms; compiled: CompiledStandingQuery }
  >();
  /** Alert ids by a term of their required set. */
  private readonly byTerm = new Map<string, Set<string>>();
  /** Alerts with no required set: candidates for every article. */
  private readonly unindexed = new Set<string>();

  get size(): number {
    return this.alerts.size;
  }

  /** Adds or replaces an alert. @throws QueryError / SearchRequestError for a query `/search` refuses. */
  add(alert: PercolatedAlert): void {
    const compiled = compileStandingQuery(alert.query);
    const required = requiredTerms(alert.query);
    this.remove(alert.id);
    this.alerts.set(alert.id, { ...alert, required, compiled });
    if (required === null) {
      this.unindexed.add(alert.id);
      return;
    }
    for (const term of required) {
      let ids = this.byTerm.get(term);
      if (!ids) {
        ids = new Set();
        this.byTerm.set(term, ids);
      }
      ids.add(alert.id);
    }
  }

  remove(id: string): void {
    const alert = this.alerts.get(id);
    if (!alert) return;
    this.alerts.delete(id);
    this.unindexed.delete(id);
    for (const term of alert.required ?? []) {
      const ids = this.byTerm.get(term);
      ids?.delete(id);
      if (ids?.size === 0) this.byTerm.delete(term);
    }
  }

  has(id: string): boolean {
    return this.alerts.has(id);
  }

  /** The ids of the alerts held. */
  ids(): string[] {
    return [...this.alerts.keys()];
  }

  /** The alerts that must be verified for an article (a superset of those it matches). */
  candidates(article: Article): Set<string> {
    const candidates = new Set(this.unindexed);
    const text = [article.title, article.caption ?? '', ...article.paragraphs].join('\n');
    for (const term of new Set(ANALYZER.terms(text))) {
      for (const id of this.byTerm.get(term) ?? []) candidates.add(id);
    }
    return candidates;
  }

  /** Ids of the alerts the article matches, sorted. */
  match(article: Article): string[] {
    // No alerts: nothing to analyse (the write path calls this for every article).
    if (this.alerts.size === 0) return [];
    const candidates = this.candidates(article);
    if (candidates.size === 0) return [];
    const index = singleArticleIndex(article);
    const matched: string[] = [];
    for (const id of candidates) {
      const alert = this.alerts.get(id);
      if (alert && matchesCompiled(index, article, alert.compiled)) matched.push(id);
    }
    return matched.sort();
  }

  /**
   * Every alert run as a whole `/search` (the production pipeline) over an archive holding only
   * the article: the reference the percolator, with its candidates and its shorter check, must
   * equal (percolator.property.test.ts), and the brute force `npm run bench:alerts` compares with.
   */
  matchEveryAlert(article: Article): string[] {
    const archive = PartitionedIndex.empty();
    archive.applyUpsert(article);
    return [...this.alerts.values()]
      .filter((alert) => archive.query(standingRequest(alert.query)).total > 0)
      .map((alert) => alert.id)
      .sort();
  }
}
