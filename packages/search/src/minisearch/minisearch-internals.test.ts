import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { type HitList, TermSetTable } from '../query/hit-list';
import {
  adoptSortedTerms,
  boundedFuzzyTerms,
  documentFrequency,
  executeRaw,
  externalId,
  fuzzyTerms,
  prefixTerms,
  scoreTerms,
  shortIdOf,
  someDocumentWith,
  sortedTermEntries,
} from './minisearch-internals';

/** A hit list as [short id, score, matched terms] entries. */
function entries(list: HitList | null, table: TermSetTable): [number, number, ReadonlySet<string>][] {
  const out: [number, number, ReadonlySet<string>][] = [];
  if (!list) return out;
  for (let i = 0; i < list.size; i++) {
    out.push([list.ids[i] as number, list.scores[i] as number, table.get(list.termSets[i] as number)]);
  }
  return out;
}

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

describe('scoreTerms (MiniSearch 7.2 BM25, reimplemented)', () => {
  it('gives bit-identical scores and matched terms to executeQuery, fuzzy included', () => {
    const ms = new MiniSearch<{ id: string; title: string; body: string }>({ fields: ['title', 'body'] });
    ms.addAll([
      { id: 'a', title: 'geneva talks', body: 'peace talks in geneva geneva' },
      { id: 'b', title: 'peace', body: 'geneve peace initiative talk' },
      { id: 'c', title: 'genetic research', body: 'research on genes talks' },
    ]);
    ms.remove({ id: 'c', title: 'genetic research', body: 'research on genes talks' });
    ms.add({ id: 'd', title: 'talks', body: 'genova talks resume' });
    const bm25 = { k: 1.2, b: 0.75, d: 0 };
    const raw = executeRaw(ms, {
      queries: ['geneva'],
      fields: ['title', 'body'],
      fuzzy: 1,
      prefix: false,
      boostTerm: () => 0.5,
      bm25,
    } as never);
    const terms = [
      { term: 'geneva', weight: 1, boost: 0.5 },
      ...fuzzyTerms(ms, 'geneva', 1)
        .filter((t) => t.distance > 0)
        .map((t) => ({
          term: t.term,
          weight: (0.45 * t.term.length) / (t.term.length + t.distance),
          boost: 0.5,
        })),
    ];
    const table = new TermSetTable();
    const fast = scoreTerms(ms, [terms], ['title', 'body'], { title: 1, body: 1 }, bm25, table);
    expect(fast).not.toBeNull();
    expect(
      new Map(entries(fast, table).map(([id, score, terms]) => [id, [score, [...terms].sort()]])),
    ).toEqual(new Map([...raw].map(([id, r]) => [id, [r.score, Object.keys(r.match).sort()]])));
  });

  it('sums groups like an OR of separate queries, and follows index changes', () => {
    const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    ms.addAll([
      { id: 'a', text: 'geneva talks talks' },
      { id: 'b', text: 'geneva peace' },
    ]);
    const bm25 = { k: 1.2, b: 0.75, d: 0 };
    const check = () => {
      const expected = new Map<number, number>();
      for (const [term, boost] of [
        ['geneva', 0.3],
        ['talks', 0.7],
      ] as const) {
        const raw = executeRaw(ms, {
          queries: [term],
          fields: ['text'],
          boostTerm: () => boost,
          bm25,
        } as never);
        for (const [id, r] of raw)
          expected.set(id, expected.has(id) ? (expected.get(id) as number) + r.score : r.score);
      }
      const groups = [
        [{ term: 'geneva', weight: 1, boost: 0.3 }],
        [{ term: 'talks', weight: 1, boost: 0.7 }],
      ];
      const table = new TermSetTable();
      const fast = scoreTerms(ms, groups, ['text'], {}, bm25, table);
      expect(new Map(entries(fast, table).map(([id, score]) => [id, score]))).toEqual(expected);
    };
    check();
    ms.add({ id: 'c', text: 'talks on talks in a much longer text about geneva' });
    check();
    ms.remove({ id: 'a', text: 'geneva talks talks' });
    check();
  });

  it('declines an index with discarded documents (their postings linger until a vacuum)', () => {
    const ms = index();
    ms.discard('a');
    expect(
      scoreTerms(
        ms,
        [[{ term: 'geneva', weight: 1, boost: 1 }]],
        ['text'],
        {},
        { k: 1.2, b: 0.7, d: 0.5 },
        new TermSetTable(),
      ),
    ).toBeNull();
  });
});

describe('adoptSortedTerms (the radix tree built from a sorted term list)', () => {
  type Tree = Map<string, unknown>;
  /** The tree with every node's keys sorted: shape and values, whatever the insertion order. */
  const shape = (node: unknown): unknown =>
    node instanceof Map
      ? [...node].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, shape(v)])
      : node;
  const sortedEntries = (it: Iterable<[string, unknown]>) => [...it].sort(([a], [b]) => (a < b ? -1 : 1));
  const treeOf = (ms: MiniSearch) => (ms as unknown as { _index: { _tree: Tree } })._index._tree;
  const indexOf = (ms: MiniSearch) =>
    (
      ms as unknown as {
        _index: Map<string, unknown> & {
          atPrefix(p: string): Iterable<[string, unknown]>;
          fuzzyGet(t: string, d: number): Map<string, unknown>;
        };
      }
    )._index;

  it('gives the tree MiniSearch builds by inserting, and stays updatable', () => {
    const word = fc.stringMatching(/^[a-cé]{1,6}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { maxLength: 40 }),
        fc.array(word, { maxLength: 6 }),
        (terms, later) => {
          const built = new MiniSearch({ fields: ['t'] });
          const adopted = new MiniSearch({ fields: ['t'] });
          for (const [n, term] of terms.entries()) indexOf(built).set(term, n);
          const sorted = [...terms].sort();
          adoptSortedTerms(
            adopted,
            sorted,
            sorted.map((term) => terms.indexOf(term)),
          );
          expect(shape(treeOf(adopted))).toEqual(shape(treeOf(built)));
          expect(indexOf(adopted).size).toBe(terms.length);
          for (const probe of [...terms, ...later, 'a', 'ab', 'é']) {
            expect(indexOf(adopted).get(probe)).toBe(indexOf(built).get(probe));
            expect(sortedEntries(indexOf(adopted).atPrefix(probe))).toEqual(
              sortedEntries(indexOf(built).atPrefix(probe)),
            );
            expect(sortedEntries(indexOf(adopted).fuzzyGet(probe, 2))).toEqual(
              sortedEntries(indexOf(built).fuzzyGet(probe, 2)),
            );
          }
          for (const [n, term] of later.entries()) {
            for (const index of [indexOf(built), indexOf(adopted)]) {
              if (n % 2) index.delete(term);
              else index.set(term, -n);
            }
          }
          expect(sortedEntries(indexOf(adopted))).toEqual(sortedEntries(indexOf(built)));
        },
      ),
    );
  });
});

describe('sortedTermEntries', () => {
  it('walks the tree in code-unit order, after any adds and removals, as iterate-then-sort would', () => {
    const word = fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map((w) => w.replace(/\s/g, 'x'));
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 40 }), fc.nat(40), (words, drop) => {
        const ms = new MiniSearch<{ id: string; text: string }>({
          fields: ['text'],
          tokenize: (t) => t.split(' '),
        });
        ms.addAll(words.map((w, i) => ({ id: String(i), text: w })));
        for (let i = 0; i < Math.min(drop, words.length - 1); i += 3) ms.discard(String(i));
        ms.vacuum();
        const expected = [...(ms as unknown as { _index: Iterable<[string, unknown]> })._index]
          .map(([term]) => term)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(Array.from(sortedTermEntries(ms), ([term]) => term)).toEqual(expected);
      }),
    );
  });
});

describe('boundedFuzzyTerms', () => {
  const word = fc.oneof(
    fc.stringMatching(/^[a-e]{1,7}$/),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 5 }).map((w) => w.replace(/\s/g, 'x')),
  );
  it('with room enough, finds exactly what MiniSearch’s fuzzy walk finds', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 60 }),
        word,
        fc.integer({ min: 0, max: 2 }),
        (words, query, distance) => {
          const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
          ms.addAll(words.map((w, i) => ({ id: String(i), text: w })));
          const key = (r: { term: string; distance: number; df: number }) =>
            `${r.term}:${r.distance}:${r.df}`;
          const exact = fuzzyTerms(ms, query, distance).map(key).sort();
          expect(boundedFuzzyTerms(ms, query, distance, { steps: 1e9 }).map(key).sort()).toEqual(exact);
        },
      ),
    );
  });

  it('stops when its budget is spent, sharing it between calls, and returns only true matches', () => {
    const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    const words = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}x`);
    ms.addAll(words.map((w, i) => ({ id: String(i), text: w })));
    const budget = { steps: 50 };
    const found = boundedFuzzyTerms(ms, 'w1x', 2, budget);
    expect(budget.steps).toBeLessThanOrEqual(0);
    const all = new Set(fuzzyTerms(ms, 'w1x', 2).map((r) => r.term));
    expect(found.length).toBeLessThan(all.size);
    for (const r of found) expect(all.has(r.term)).toBe(true);
    expect(boundedFuzzyTerms(ms, 'w1x', 2, budget)).toEqual([]);
  });
});
