import type { Article } from '@archive/core';
import { describe, expect, it } from 'vitest';
import { ArchiveIndex } from '../documents/archive-index';
import type { SearchRequest, SearchResponse } from '../documents/search-types';
import { PartitionedIndex } from '../partitions/partitioned-index';
import { article, observable } from '../testing/exactness-arbitraries';
import { runSearch } from '../testing/reference-search';

/**
 * Fuzzy words and spelling hints on words as written, not on stems: "government" stems to
 * `govern` and "governmental" to `government`, and `goverment` stems to `gover`, one edit from
 * `power` and `voter`.
 */
const TEXTS: [string, string][] = [
  ['Government talks resume', 'The government said the government would act.'],
  ['Government budget', 'A government plan for the budget.'],
  ['Governments meet', 'Two governments met.'],
  ['Governmental reform', 'A governmental body was formed.'],
  ['Power cut', 'The power failed across the city.'],
  ['Power prices', 'Power prices rose.'],
  ['Voters go to the polls', 'Voters and more voters; a moderate turnout.'],
  ['Talks in Geneva', 'Delegates met in Geneva.'],
];

function articles(): Article[] {
  return TEXTS.map(([title, body], n) => article(n, [title], [[body]], n * 40, 0));
}

function titles(response: SearchResponse): string[] {
  return response.results.map((r) => r.title).sort();
}

/** The two pipelines: one index (the reference) and the coordinator over time partitions. */
function pipelines(docs: Article[] = articles()) {
  const single = ArchiveIndex.empty();
  const partitioned = PartitionedIndex.empty('month');
  for (const a of docs) {
    single.applyUpsert(a);
    partitioned.applyUpsert(a);
  }
  return [
    ['one index', (r: SearchRequest) => runSearch(single, r)],
    ['partitions', (r: SearchRequest) => partitioned.query(r)],
  ] as const;
}

const GOVERNMENT = ['Government budget', 'Government talks resume', 'Governments meet'];

describe('fuzzy words match words as written', () => {
  for (const [name, search] of pipelines()) {
    it(`${name}: goverment~ and govrnment~ find "government", not "power" or "voters"`, () => {
      for (const q of ['goverment~', 'govrnment~', 'governmnt~1']) {
        const found = titles(search({ q }));
        expect(found, q).toEqual(GOVERNMENT);
      }
    });

    it(`${name}: marks the words that matched`, () => {
      const hit = search({ q: 'goverment~' }).results.find((r) => r.title === 'Government budget');
      expect(hit?.snippet).toContain('<mark>government</mark>');
    });

    it(`${name}: the typed word's own stem is an exact match, its neighbours fuzzy ones`, () => {
      // "governmental" is two edits from "governments": its stem is an expansion, weighted lower.
      const response = search({ q: 'governments~2' });
      expect(titles(response)).toEqual([...GOVERNMENT, 'Governmental reform'].sort());
      expect(response.results.at(-1)?.title).toBe('Governmental reform');
    });

    it(`${name}: didYouMean offers the word a reader would type`, () => {
      expect(search({ q: 'govrnment' }).didYouMean).toBe('government');
      expect(search({ q: 'genva talks', mode: 'all' }).didYouMean).toBe('geneva talks');
    });

    it(`${name}: no didYouMean when the query found what it asked for`, () => {
      const response = search({ q: 'genva~' });
      expect(titles(response)).toEqual(['Talks in Geneva']);
      expect(response.didYouMean).toBeUndefined();
      expect(search({ q: 'governmental' }).didYouMean).toBeUndefined();
    });
  }
});

describe('fuzzy words over partitions', () => {
  it('score as one index when a stem is reached through a word only some partitions hold', () => {
    // January holds "power" (one edit from "pwer"), February only "powers" (two): both hold the
    // stem `power`, and its frequency must be counted in both.
    const docs = [
      article(0, ['constructor'], [['power']], 0, 0),
      article(1, ['constructor'], [['constructor']], 1, 0),
      article(2, ['constructor'], [['powers', 'constructor']], 40, 0),
      article(3, ['national'], [['constructor']], 2, 0),
      article(4, ['constructor'], [['nation']], 45, 0),
    ];
    const [[, single], [, partitioned]] = pipelines(docs);
    for (const q of ['pwer~', 'ntional~1', 'pwer~ constructor', 'ntional']) {
      expect(observable(partitioned({ q })), q).toEqual(observable(single({ q })));
    }
  });
});

describe('the surface vocabulary follows the live articles', () => {
  const fresh = (docs: Article[]) => {
    const index = ArchiveIndex.empty();
    for (const a of docs) index.applyUpsert(a);
    return index;
  };
  const answer = (index: ArchiveIndex, q: string) =>
    runSearch(index, { q }).results.map((r) => [r.id, r.score.toFixed(9)]);

  it('a removed article takes its words with it, in memory and after a snapshot round trip', () => {
    const docs = articles();
    // "governmnt~1" reaches `govern` (which "governments" also analyses to) through "government"
    // only: once the one article holding that word is gone, nothing may match through it.
    const only = article(20, ['Government'], [['A government.']], 5, 0);
    const base = docs.filter((a) => !/[Gg]overnment\b/.test(`${a.title} ${a.paragraphs.join(' ')}`));
    for (const loaded of [false, true]) {
      let index = fresh([...base, only]);
      if (loaded) index = ArchiveIndex.deserialize(index.serialize());
      expect(answer(index, 'governmnt~1').map(([id]) => id)).toEqual(['a20', 'a2']);
      expect(index.applyRemove('a20', 2)).toBe(true);
      expect(index.surface().count('government')).toBe(0);
      expect(answer(index, 'governmnt~1')).toEqual(answer(fresh(base), 'governmnt~1'));
      expect(answer(index, 'governmnt~1')).toEqual([]);
    }
  });

  it('a snapshot written without the section loads, and derives the vocabulary from the texts', () => {
    const index = fresh(articles());
    const without = index.serialize({ surface: false });
    expect(without.byteLength).toBeLessThan(index.serialize().byteLength);
    const old = ArchiveIndex.deserialize(without);
    for (const q of ['goverment~', 'govrnment', 'genva~']) {
      expect(runSearch(old, { q })).toEqual({ ...runSearch(index, { q }), tookMs: expect.any(Number) });
    }
  });
});
