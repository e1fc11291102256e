import { describe, expect, it } from 'vitest';
import { comparePerQuery } from './per-query';

describe('comparePerQuery', () => {
  it('counts wins, ties and losses over the judged queries and names the largest losses', () => {
    const qrels = new Map([
      ['1', new Map([['a', 1]])],
      ['2', new Map([['b', 1]])],
      ['3', new Map([['c', 1]])],
      ['4', new Map<string, number>()],
    ]);
    const ours = new Map([
      ['1', ['a']],
      ['2', ['x', 'b']],
      ['3', ['c']],
    ]);
    const peer = new Map([
      ['1', ['x', 'a']],
      ['2', ['b']],
      ['3', ['c']],
    ]);
    const texts = new Map([['2', 'the second request']]);
    const r = comparePerQuery('t', ours, peer, qrels, texts);
    expect({ judged: r.judged, wins: r.wins, ties: r.ties, losses: r.losses }).toEqual({
      judged: 3,
      wins: 1,
      ties: 1,
      losses: 1,
    });
    expect(r.worst.map((w) => [w.qid, w.text])).toEqual([['2', 'the second request']]);
    expect(r.oursMean).toBeCloseTo(r.peerMean);
  });
});
