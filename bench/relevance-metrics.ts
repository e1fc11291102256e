/**
 * Ranking-quality metrics over graded judgements (TREC conventions). Pure functions so they can be
 * unit-tested on a toy qrels (relevance-metrics.test.ts).
 */

/** qid → (docid → graded gain > 0). Non-relevant and ignored pairs are simply absent. */
export type Qrels = Map<string, Map<string, number>>;
/** qid → ranked docids, best first. */
export type Run = Map<string, string[]>;

/**
 * Parses a qrels TSV with header `qid docid rel` where `rel` is a Cleverdon code (1 best … 4 least);
 * gain = 5 - code, and code -1 (or anything outside 1..4) is dropped.
 */
export function parseCranfieldQrels(tsv: string): Qrels {
  const qrels: Qrels = new Map();
  for (const line of tsv.split('\n').slice(1)) {
    const [qid, docid, rel] = line.trim().split(/\s+/);
    if (!qid || !docid || rel === undefined) continue;
    const code = Number(rel);
    if (!(code >= 1 && code <= 4)) continue;
    const judged = qrels.get(qid) ?? new Map<string, number>();
    qrels.set(qid, judged);
    judged.set(docid, 5 - code);
  }
  return qrels;
}

/** DCG with linear gains: Σ gain / log2(rank + 1). */
function dcg(gains: number[]): number {
  return gains.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
}

/** nDCG@k; the ideal ranking is built from all judged relevant documents of the query. */
export function ndcgAt(ranked: string[], judged: Map<string, number>, k: number): number {
  const ideal = dcg([...judged.values()].sort((a, b) => b - a).slice(0, k));
  if (ideal === 0) return 0;
  return dcg(ranked.slice(0, k).map((d) => judged.get(d) ?? 0)) / ideal;
}

/** Precision@k: relevant among the first k, divided by k (missing ranks count as non-relevant). */
export function precisionAt(ranked: string[], judged: Map<string, number>, k: number): number {
  return ranked.slice(0, k).filter((d) => judged.has(d)).length / k;
}

/** Average precision over the first k ranks, normalised by all relevant documents (MAP@k). */
export function averagePrecisionAt(ranked: string[], judged: Map<string, number>, k: number): number {
  if (judged.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  ranked.slice(0, k).forEach((d, i) => {
    if (judged.has(d)) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return sum / judged.size;
}

/** Recall@k: share of the relevant documents found in the first k. */
export function recallAt(ranked: string[], judged: Map<string, number>, k: number): number {
  if (judged.size === 0) return 0;
  return ranked.slice(0, k).filter((d) => judged.has(d)).length / judged.size;
}

export interface Summary {
  queries: number;
  ndcg10: number;
  p10: number;
  map100: number;
  recall100: number;
}

/** Averages the metrics over the queries that have at least one judged relevant document. */
export function evaluateRun(run: Run, qrels: Qrels): Summary {
  const totals = { ndcg10: 0, p10: 0, map100: 0, recall100: 0 };
  let queries = 0;
  for (const [qid, judged] of qrels) {
    if (judged.size === 0) continue;
    const ranked = run.get(qid) ?? [];
    queries++;
    totals.ndcg10 += ndcgAt(ranked, judged, 10);
    totals.p10 += precisionAt(ranked, judged, 10);
    totals.map100 += averagePrecisionAt(ranked, judged, 100);
    totals.recall100 += recallAt(ranked, judged, 100);
  }
  const avg = (x: number) => (queries === 0 ? 0 : x / queries);
  return {
    queries,
    ndcg10: avg(totals.ndcg10),
    p10: avg(totals.p10),
    map100: avg(totals.map100),
    recall100: avg(totals.recall100),
  };
}

/** TREC run lines: `qid Q0 docid rank score tag`. */
export function formatTrecRun(
  rows: { qid: string; ranked: { id: string; score: number }[] }[],
  tag: string,
): string {
  const lines: string[] = [];
  for (const { qid, ranked } of rows) {
    ranked.forEach((r, i) => {
      lines.push(`${qid} Q0 ${r.id} ${i + 1} ${r.score.toFixed(6)} ${tag}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
