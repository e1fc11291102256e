import { runToEnd } from '@archive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANALYZER } from '../minisearch/index-definition';
import { countWords, documentWords, SurfaceVocabulary } from './surface-vocabulary';

const ARTICLES = [
  ["Syria's Government", 'The government of Zürich and the governments met; ünïcödé words.'],
  ['Talks in Geneva', 'Delegates talked in Genève about 𐐨𐐯𐐻 and 𐐨𐐯𐐼 and the القدس accord.'],
  ['Power cut', 'The power failed; powers were restored.'],
];

function sorted(found: { word: string; distance: number }[]) {
  return found.map((f) => `${f.word}:${f.distance}`).sort();
}

describe('SurfaceVocabulary', () => {
  it('holds the folded, unstemmed words of the articles (stop words left out), counted per article', () => {
    expect([...documentWords(ARTICLES[0] as string[], ANALYZER)].sort()).toEqual(
      ['government', 'governments', 'met', 'syria', 'unicode', 'words', 'zurich'].sort(),
    );
    const vocabulary = SurfaceVocabulary.ofDocuments(ARTICLES, ANALYZER);
    expect(vocabulary.count('government')).toBe(1);
    expect(vocabulary.count('geneve')).toBe(1);
    expect(vocabulary.count('the')).toBe(0);
    vocabulary.addWords(documentWords(['Government'], ANALYZER));
    expect(vocabulary.count('government')).toBe(2);
    vocabulary.remove(['Government'], ANALYZER);
    vocabulary.remove(ARTICLES[0] as string[], ANALYZER);
    expect(vocabulary.count('government')).toBe(0);
    expect(sorted(vocabulary.fuzzy('governmnt', 2))).toEqual([]);
  });

  it('round-trips through its section, non-Latin and astral words included, and finds the same words', () => {
    const built = SurfaceVocabulary.ofDocuments(ARTICLES, ANALYZER);
    const counts = new Map<string, number>();
    for (const texts of ARTICLES) countWords(counts, documentWords(texts, ANALYZER));
    const section = SurfaceVocabulary.encodeCounts(counts);
    expect(built.encode()).toEqual(section);
    const loaded = SurfaceVocabulary.fromSection(section);
    expect(loaded.size).toBe(built.size);
    for (const [word, n] of counts) expect(loaded.count(word)).toBe(n);
    for (const probe of ['goverment', 'powr', 'genva', '𐐨𐐯𐐽', 'القدص']) {
      expect(sorted(loaded.fuzzy(probe, 2))).toEqual(sorted(built.fuzzy(probe, 2)));
      expect(sorted(loaded.fuzzy(probe, 2, { steps: 1e9 }))).toEqual(sorted(built.fuzzy(probe, 2)));
    }
    expect(sorted(loaded.fuzzy('goverment', 1))).toEqual(['government:1']);
  });

  it('takes changes to a loaded section before its first use, and gives what building afresh gives', () => {
    const [removed, ...kept] = ARTICLES;
    const added = ['Governments abroad', 'Government powers grow'];
    const loaded = SurfaceVocabulary.fromSection(SurfaceVocabulary.ofDocuments(ARTICLES, ANALYZER).encode());
    // Applied as count changes (the section stays bytes until a query needs the tree).
    loaded.remove(removed ?? [], ANALYZER);
    loaded.addWords(documentWords(added, ANALYZER));
    const afresh = SurfaceVocabulary.ofDocuments([...kept, added], ANALYZER);
    expect(loaded.encode()).toEqual(afresh.encode());
    expect(loaded.size).toBe(afresh.size);
    for (const probe of ['goverment', 'powr', 'genva']) {
      expect(sorted(loaded.fuzzy(probe, 2))).toEqual(sorted(afresh.fuzzy(probe, 2)));
    }
  });

  it('encodes in steps exactly what it encodes at once, over many runs of sorted words', () => {
    const counts = new Map<string, number>();
    let seed = 7;
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return seed;
    };
    while (counts.size < 70_000)
      counts.set(next().toString(36) + (next() % 3 === 0 ? 'é𐐨' : ''), 1 + (next() % 5));
    const steps = runToEnd(SurfaceVocabulary.encodeCountsSteps(counts));
    expect(steps).toEqual(SurfaceVocabulary.encodeCounts(counts));
    expect(SurfaceVocabulary.fromSection(steps).size).toBe(70_000);
  });

  it('stops a bounded walk when its budget is spent', () => {
    const vocabulary = SurfaceVocabulary.ofDocuments(ARTICLES, ANALYZER);
    const budget = { steps: 3 };
    expect(vocabulary.fuzzy('government', 2, budget).length).toBeLessThan(
      vocabulary.fuzzy('government', 2).length,
    );
    expect(budget.steps).toBeLessThanOrEqual(0);
  });
});

describe('SurfaceVocabulary under random changes', () => {
  /** Levenshtein distance, the plain way, as the oracle. */
  function distance(a: string, b: string): number {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) {
        next[j] = Math.min(
          (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
          (row[j] as number) + 1,
          (next[j - 1] as number) + 1,
        );
      }
      row = next;
    }
    return row[b.length] as number;
  }

  const word = fc.stringMatching(/^[abcé𐐨]{1,7}$/u);
  const change = fc.record({ words: fc.uniqueArray(word, { maxLength: 6 }), add: fc.boolean() });

  it('counts, sizes and finds exactly the live words, and after a round trip through its section', () => {
    fc.assert(
      fc.property(
        fc.array(change, { maxLength: 40 }),
        fc.array(word, { minLength: 1, maxLength: 4 }),
        (changes, probes) => {
          const vocabulary = SurfaceVocabulary.empty();
          const oracle = new Map<string, number>();
          for (const { words, add } of changes) {
            // Only what was counted is uncounted, as an index removes only articles it holds.
            const applied = add ? words : words.filter((w) => (oracle.get(w) ?? 0) > 0);
            if (add) vocabulary.addWords(applied);
            else
              for (const w of applied)
                vocabulary.remove([w], { analyse: (t: string) => ({ folded: t }) } as never);
            for (const w of applied) {
              const n = (oracle.get(w) ?? 0) + (add ? 1 : -1);
              if (n > 0) oracle.set(w, n);
              else oracle.delete(w);
            }
          }
          const reloaded = SurfaceVocabulary.fromSection(vocabulary.encode());
          for (const v of [vocabulary, reloaded]) {
            expect(v.size).toBe(oracle.size);
            for (const [w, n] of oracle) expect(v.count(w)).toBe(n);
            for (const probe of probes) {
              for (const max of [1, 2]) {
                const expected = [...oracle.keys()]
                  .filter((w) => distance(w, probe) <= max)
                  .map((w) => `${w}:${distance(w, probe)}`)
                  .sort();
                expect(sorted(v.fuzzy(probe, max))).toEqual(expected);
                expect(sorted(v.fuzzy(probe, max, { steps: 1e9 }))).toEqual(expected);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SurfaceVocabulary.prepareSteps', () => {
  const big = () => {
    const counts = new Map<string, number>();
    let seed = 11;
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return seed;
    };
    while (counts.size < 40_000) counts.set(next().toString(36), 1 + (next() % 3));
    return { counts, section: SurfaceVocabulary.encodeCounts(counts) };
  };

  it('builds a loaded section in many pauses, keeping the changes made meanwhile', () => {
    const { counts, section } = big();
    const loaded = SurfaceVocabulary.fromSection(section);
    const steps = loaded.prepareSteps();
    let pauses = 0;
    const [first] = counts.keys();
    while (!steps.next().done) {
      if (pauses++ === 3) {
        loaded.addWords(['zzzfresh', first as string]);
      }
    }
    expect(pauses).toBeGreaterThan(5);
    expect(loaded.size).toBe(counts.size + 1);
    expect(loaded.count(first as string)).toBe((counts.get(first as string) as number) + 1);
    expect(loaded.count('zzzfresh')).toBe(1);
    expect(sorted(loaded.fuzzy('zzzfresx', 1))).toEqual(['zzzfresh:1']);
  });

  it('gives way to a query that needed the vocabulary first', () => {
    const { counts, section } = big();
    const loaded = SurfaceVocabulary.fromSection(section);
    const steps = loaded.prepareSteps();
    steps.next();
    expect(loaded.size).toBe(counts.size);
    while (!steps.next().done) {}
    expect(loaded.size).toBe(counts.size);
    expect(loaded.encode()).toEqual(section);
  });
});
