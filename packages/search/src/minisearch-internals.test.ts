import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import {
  documentFrequency,
  executeRaw,
  externalId,
  fuzzyTerms,
  prefixTerms,
  shortIdOf,
  someDocumentWith,
} from './minisearch-internals';

/** Pins the MiniSearch 7.2 internals this module relies on; a MiniSearch upgrade must keep these green. */
function index() {
  const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
  ms.addAll([
    { id: 'a', text: 'geneva talks' },
    { id: 'b', text: 'geneva peace' },
    { id: 'c', text: 'genetic research' },
  ]);
  return ms;
}

describe('minisearch internals (7.2)', () => {
  it('executes raw queries without the matched-terms multiplier', () => {
    const ms = index();
    const raw = executeRaw(ms, { queries: ['geneva'] } as never);
    const pub = ms.search('geneva');
    expect(raw.size).toBe(2);
    for (const r of pub) {
      const m = raw.get(shortIdOf(ms, r.id as string) as number);
      expect(m?.score).toBeCloseTo(r.score);
      expect(Object.keys(m?.match ?? {})).toEqual(['geneva']);
    }
  });

  it('maps ids both ways and finds documents of a term', () => {
    const ms = index();
    expect(externalId(ms, shortIdOf(ms, 'b') as number)).toBe('b');
    expect(someDocumentWith(ms, 'research')).toBe('c');
    ms.discard('c');
    expect(someDocumentWith(ms, 'research')).toBeUndefined();
  });

  it('expands prefixes by frequency and lists fuzzy neighbours', () => {
    const ms = index();
    expect(prefixTerms(ms, 'gen', 10)).toEqual([
      { term: 'geneva', df: 2 },
      { term: 'genetic', df: 1 },
    ]);
    expect(prefixTerms(ms, 'gen', 1, (t) => t !== 'geneva')).toEqual([{ term: 'genetic', df: 1 }]);
    expect(fuzzyTerms(ms, 'genava', 1)).toEqual([{ term: 'geneva', distance: 1, df: 2 }]);
    expect(documentFrequency(ms, 'geneva')).toBe(2);
  });
});
