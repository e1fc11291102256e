import type { TermIds } from '../documents/term-sequences';
import type { Plan } from '../query/plan';
import type { Analyzer } from '../text/analysis';

/**
 * Term-proximity re-ranking (a small sequential-dependence model): documents where consecutive query
 * words appear close together, in order, score higher than documents that merely contain them.
 * MiniSearch keeps no positions, so this reads the stored text of the best RERANK_DEPTH hits only;
 * the bonus is never negative, so "BM25 + bonus" keeps one total order over all hits (the hits
 * below the depth simply get no bonus) and cursors stay consistent.
 */

/** How many of the best BM25 hits are re-ranked. */
export const RERANK_DEPTH = 100;
/** An ordered pair counts when the second word follows the first within this many positions. */
export const PROXIMITY_WINDOW = 3;
/** Weight of a pair relative to a single term (SDM's usual 0.85/0.15 split puts pairs well below). */
export const PROXIMITY_WEIGHT = 0.5;
const K1 = 1.2;

/** The ordered query words of the plan's positive exact terms (prefix/fuzzy/negated excluded). */
export function sequenceTerms(plan: Plan): string[] {
  switch (plan.kind) {
    case 'term':
      return plan.fuzzy === 0 ? [plan.term] : [];
    case 'phrase':
      return [...plan.terms];
    case 'prefix':
      return [];
    case 'or':
    case 'and':
      return plan.children.flatMap(sequenceTerms);
    case 'words':
      return plan.words.map((w) => w.term);
  }
}

/** Consecutive distinct pairs of the query words. */
export function queryPairs(terms: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < terms.length; i++) {
    const a = terms[i] as string;
    const b = terms[i + 1] as string;
    if (a !== b) pairs.push([a, b]);
  }
  return pairs;
}

/**
 * Counts ordered occurrences of each pair within the window in `seq[from, to)`: terms as strings
 * (analysed text) or as ids (a recorded sequence). A null pair (a term the sequence's table lacks)
 * counts 0.
 */
function pairCounts<T>(
  seq: ArrayLike<T>,
  pairs: readonly ([T, T] | null)[],
  from = 0,
  to = seq.length,
): number[] {
  const counts = pairs.map(() => 0);
  const firsts = new Map<T, number[]>();
  pairs.forEach((pair, i) => {
    if (!pair) return;
    const list = firsts.get(pair[0]);
    if (list) list.push(i);
    else firsts.set(pair[0], [i]);
  });
  for (let p = from; p < to; p++) {
    const which = firsts.get(seq[p] as T);
    if (!which) continue;
    for (const i of which) {
      const second = (pairs[i] as [T, T])[1];
      for (let q = p + 1; q <= p + PROXIMITY_WINDOW && q < to; q++) {
        if (seq[q] === second) {
          counts[i] = (counts[i] as number) + 1;
          break;
        }
      }
    }
  }
  return counts;
}

/** The bonus of per-pair counts: each pair's IDF (mean of its words') times a BM25-saturated count. */
function bonusOf(
  totals: readonly number[],
  pairs: readonly [string, string][],
  idf: (term: string) => number,
) {
  let bonus = 0;
  totals.forEach((c, i) => {
    if (c === 0) return;
    const [a, b] = pairs[i] as [string, string];
    bonus += ((idf(a) + idf(b)) / 2) * ((c * (K1 + 1)) / (c + K1));
  });
  return PROXIMITY_WEIGHT * bonus;
}

/**
 * Proximity bonus of one document: for each query pair found close together, the pair's IDF (mean
 * of its words') times a BM25-saturated count, times PROXIMITY_WEIGHT. Pairs are counted within
 * each text (title, body), never across them.
 */
export function proximityBonus(
  texts: string[],
  pairs: [string, string][],
  idf: (term: string) => number,
  analyzer: Analyzer,
): number {
  if (pairs.length === 0) return 0;
  const totals = pairs.map(() => 0);
  for (const text of texts) {
    pairCounts(analyzer.terms(text), pairs).forEach((c, i) => {
      totals[i] = (totals[i] as number) + c;
    });
  }
  return bonusOf(totals, pairs, idf);
}

/**
 * {@link proximityBonus} from a recorded term sequence (title, then body) instead of the texts:
 * the same counts, reading ids rather than analysing every word again. `pairIds`: the pairs in the
 * sequence's table (null where it lacks a term).
 */
export function sequenceProximityBonus(
  sequence: TermIds,
  pairIds: readonly ([number, number] | null)[],
  pairs: [string, string][],
  idf: (term: string) => number,
): number {
  if (pairs.length === 0) return 0;
  const { ids, titleCount } = sequence;
  const title = pairCounts(ids, pairIds, 0, titleCount);
  const body = pairCounts(ids, pairIds, titleCount, ids.length);
  return bonusOf(
    title.map((c, i) => c + (body[i] as number)),
    pairs,
    idf,
  );
}
