import { describe, expect, it } from 'vitest';
import {
  averagePrecisionAt,
  evaluateRun,
  formatTrecRun,
  ndcgAt,
  parseCranfieldQrels,
  precisionAt,
  recallAt,
} from './relevance-metrics';

const qrels = parseCranfieldQrels('qid\tdocid\trel\n1\td1\t1\n1\td2\t3\n1\td9\t-1\n2\td5\t2\n3\td7\t-1\n');

describe('relevance metrics on a toy qrels', () => {
  it('parses gains as 5 - code and drops -1', () => {
    expect([...(qrels.get('1') ?? [])]).toEqual([
      ['d1', 4],
      ['d2', 2],
    ]);
    expect(qrels.has('3')).toBe(false);
  });

  it('computes nDCG with linear gains and an ideal from all judged documents', () => {
    const judged = qrels.get('1') as Map<string, number>;
    expect(ndcgAt(['d1', 'd2'], judged, 10)).toBeCloseTo(1);
    // d2 first, d1 second: (2/1 + 4/log2(3)) / (4/1 + 2/log2(3))
    const expected = (2 + 4 / Math.log2(3)) / (4 + 2 / Math.log2(3));
    expect(ndcgAt(['d2', 'd1'], judged, 10)).toBeCloseTo(expected);
    // only d1 retrieved: ideal still counts d2
    expect(ndcgAt(['x', 'd1'], judged, 10)).toBeCloseTo(4 / Math.log2(3) / (4 + 2 / Math.log2(3)));
  });

  it('computes P@k, AP and recall', () => {
    const judged = qrels.get('1') as Map<string, number>;
    expect(precisionAt(['d1', 'x', 'd2'], judged, 10)).toBeCloseTo(0.2);
    expect(averagePrecisionAt(['x', 'd1', 'y', 'd2'], judged, 100)).toBeCloseTo((1 / 2 + 2 / 4) / 2);
    expect(recallAt(['d1'], judged, 100)).toBe(0.5);
    expect(averagePrecisionAt(['d2'], judged, 0)).toBe(0);
  });

  it('averages over judged queries only; a missing run counts as zero', () => {
    const run = new Map([['1', ['d1', 'd2']]]);
    const s = evaluateRun(run, qrels);
    expect(s.queries).toBe(2);
    expect(s.ndcg10).toBeCloseTo(0.5);
    expect(s.recall100).toBeCloseTo(0.5);
  });

  it('writes TREC run lines', () => {
    expect(formatTrecRun([{ qid: '1', ranked: [{ id: 'd1', score: 2 }] }], 'tag')).toBe(
      '1 Q0 d1 1 2.000000 tag\n',
    );
  });
});
