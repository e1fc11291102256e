import type { SearchField } from '../minisearch/index-definition';
import type { Analyzer } from '../text/analysis';

/**
 * RM3 pseudo-relevance feedback (Lavrenko & Croft 2001; Abdul-Jaleel et al. 2004) for the natural
 * language mode: the best FEEDBACK_DOCS first-pass hits are taken as relevant, a relevance model of
 * their words (each document's term distribution weighted by its share of the score) gives the
 * FEEDBACK_TERMS most likely words, and the query is re-run as a weighted OR of the original words
 * (weight ORIGINAL_QUERY_WEIGHT) and those words. The parameters are Anserini's RM3 defaults, not
 * tuned here; docs/SEARCH.md shows the result is stable across nearby settings.
 */
export const FEEDBACK_DOCS = 10;
export const FEEDBACK_TERMS = 10;
export const ORIGINAL_QUERY_WEIGHT = 0.5;

export interface FeedbackDoc {
  score: number;
  /** Texts of the document's searchable fields. */
  texts: string[];
}

/** Single characters and bare numbers make poor expansion words (as in Anserini's RM3). */
function isExpansionCandidate(term: string): boolean {
  return term.length >= 2 && !/^\p{N}+$/u.test(term);
}

/** term → weight of the expanded query (original words weigh 1 each). */
export function expandQuery(
  queryTerms: string[],
  feedback: FeedbackDoc[],
  analyzer: Analyzer,
): Map<string, number> {
  // Scaled so each original word keeps weight 1 (scores stay in first-pass BM25 units); the
  // ratio between original and feedback mass is ORIGINAL_QUERY_WEIGHT : 1 - ORIGINAL_QUERY_WEIGHT.
  const weights = new Map<string, number>();
  for (const t of queryTerms) weights.set(t, (weights.get(t) ?? 0) + 1);
  const feedbackMass = (queryTerms.length * (1 - ORIGINAL_QUERY_WEIGHT)) / ORIGINAL_QUERY_WEIGHT;
  const total = feedback.reduce((s, d) => s + d.score, 0);
  if (feedback.length === 0 || total <= 0) return weights;
  const model = new Map<string, number>();
  for (const doc of feedback) {
    const counts = new Map<string, number>();
    let length = 0;
    for (const text of doc.texts) {
      for (const t of analyzer.terms(text)) {
        length++;
        if (isExpansionCandidate(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    if (length === 0) continue;
    for (const [t, c] of counts) model.set(t, (model.get(t) ?? 0) + (c / length) * (doc.score / total));
  }
  const best = [...model].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, FEEDBACK_TERMS);
  const mass = best.reduce((s, [, w]) => s + w, 0);
  if (mass <= 0) return weights;
  for (const [t, w] of best) weights.set(t, (weights.get(t) ?? 0) + (feedbackMass * w) / mass);
  return weights;
}

/** Fields the feedback reads (all searchable fields). */
export const FEEDBACK_FIELDS: SearchField[] = ['title', 'body'];
