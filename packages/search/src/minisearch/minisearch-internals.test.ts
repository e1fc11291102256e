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
function entries(list: HitList, table: TermSetTable): [number, number, ReadonlySet<string>][] {
  const out: [number, number, ReadonlySet<string>][] = [];
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

/** Scores by id (external) of a hit list. */
function scoresById(ms: MiniSearch, list: HitList, table: TermSetTable): Map<string, number> {
  return new Map(entries(list, table).map(([id, score]) => [externalId(ms, id) as string, score]));
}

function expectClose(actual: Map<string, number>, expected: Map<string, number>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, score] of expected) expect(actual.get(id)).toBeCloseTo(score, 12);
}

describe('scoreTerms (BM25F over MiniSearch postings)', () => {
  type Doc = { id: string; title: string; body: string };
  const docs: Doc[] = [
    { id: 'a', title: 'geneva talks', body: 'peace talks in geneva geneva' },
    { id: 'b', title: 'peace', body: 'geneve peace initiative talk' },
    { id: 'c', title: 'talks', body: 'genova talks resume after the summer' },
    { id: 'd', title: 'research', body: 'research on genes' },
  ];
  const tokens = (text: string) => text.split(' ');
  const bm25 = { k: 1.2, b: 0.75 };
  const weights = { title: 3, body: 1 };

  /** BM25F written out from its definition, over the documents themselves (MiniSearch's field length: distinct tokens). */
  function reference(term: string, boost: number): Map<string, number> {
    const fields = ['title', 'body'] as const;
    const length = (d: Doc, f: 'title' | 'body') => new Set(tokens(d[f])).size;
    const avg = (f: 'title' | 'body') => docs.reduce((s, d) => s + length(d, f), 0) / docs.length;
    const freq = (d: Doc, f: 'title' | 'body') => tokens(d[f]).filter((t) => t === term).length;
    const df = Math.max(...fields.map((f) => docs.filter((d) => freq(d, f) > 0).length));
    const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
    const out = new Map<string, number>();
    for (const d of docs) {
      let tf = 0;
      for (const f of fields)
        tf += (weights[f] * freq(d, f)) / (1 - bm25.b + (bm25.b * length(d, f)) / avg(f));
      if (tf > 0) out.set(d.id, (boost * idf * tf * (bm25.k + 1)) / (tf + bm25.k));
    }
    return out;
  }

  function build(): MiniSearch<Doc> {
    const ms = new MiniSearch<Doc>({ fields: ['title', 'body'], tokenize: tokens });
    ms.addAll(docs);
    return ms;
  }

  it('weights and length-normalises each field, adds them up, then saturates once (IDF: largest per-field df)', () => {
    const ms = build();
    for (const term of ['geneva', 'talks', 'peace', 'research']) {
      const table = new TermSetTable();
      const list = scoreTerms(
        ms,
        [[{ term, weight: 1, boost: 0.5 }]],
        ['title', 'body'],
        weights,
        bm25,
        table,
      );
      expectClose(scoresById(ms, list, table), reference(term, 0.5));
      for (const [, , terms] of entries(list, table)) expect([...terms]).toEqual([term]);
    }
  });

  it('saturates a word in title and body together: less than two separate matches', () => {
    const ms = build();
    const table = new TermSetTable();
    const both = scoresById(
      ms,
      scoreTerms(ms, [[{ term: 'talks', weight: 1, boost: 1 }]], ['title', 'body'], weights, bm25, table),
      table,
    );
    const alone = (field: string) =>
      scoresById(
        ms,
        scoreTerms(ms, [[{ term: 'talks', weight: 1, boost: 1 }]], [field], weights, bm25, table),
        table,
      );
    // Article a holds "talks" in its title and its body.
    expect(both.get('a')).toBeLessThan(
      (alone('title').get('a') as number) + (alone('body').get('a') as number),
    );
    expect(both.get('a')).toBeGreaterThan(alone('body').get('a') as number);
  });

  it('is BM25 with one field: MiniSearch’s own executeQuery scores, fuzzy expansions included', () => {
    const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    ms.addAll([
      { id: 'a', text: 'peace talks in geneva geneva' },
      { id: 'b', text: 'geneve peace initiative talk' },
      { id: 'c', text: 'research on genes talks' },
    ]);
    ms.remove({ id: 'c', text: 'research on genes talks' });
    ms.add({ id: 'd', text: 'genova talks resume' });
    const raw = executeRaw(ms, {
      queries: ['geneva'],
      fields: ['text'],
      fuzzy: 1,
      prefix: false,
      boostTerm: () => 0.5,
      bm25: { ...bm25, d: 0 },
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
    const fast = scoreTerms(ms, [terms], ['text'], {}, bm25, table);
    const got = new Map(entries(fast, table).map(([id, score, t]) => [id, [score, [...t].sort()]] as const));
    expect([...got.keys()].sort()).toEqual([...raw.keys()].sort());
    for (const [id, r] of raw) {
      const [score, matched] = got.get(id) as readonly [number, string[]];
      expect(score).toBeCloseTo(r.score, 12);
      expect(matched).toEqual(Object.keys(r.match).sort());
    }
  });

  it('sums groups like an OR of separate queries, and follows index changes', () => {
    const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    ms.addAll([
      { id: 'a', text: 'geneva talks talks' },
      { id: 'b', text: 'geneva peace' },
    ]);
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
          bm25: { ...bm25, d: 0 },
        } as never);
        for (const [id, r] of raw)
          expected.set(id, expected.has(id) ? (expected.get(id) as number) + r.score : r.score);
      }
      const groups = [
        [{ term: 'geneva', weight: 1, boost: 0.3 }],
        [{ term: 'talks', weight: 1, boost: 0.7 }],
      ];
      const table = new TermSetTable();
      const fast = new Map(
        entries(scoreTerms(ms, groups, ['text'], {}, bm25, table), table).map(([id, s]) => [id, s]),
      );
      expect([...fast.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [id, score] of expected) expect(fast.get(id)).toBeCloseTo(score, 12);
    };
    check();
    ms.add({ id: 'c', text: 'talks on talks in a much longer text about geneva' });
    check();
    ms.remove({ id: 'a', text: 'geneva talks talks' });
    check();
  });

  it('scores an index with discarded documents (postings not yet vacuumed) as one built without them', () => {
    const ms = build();
    ms.discard('a');
    const without = new MiniSearch<Doc>({ fields: ['title', 'body'], tokenize: tokens });
    without.addAll(docs.filter((d) => d.id !== 'a'));
    for (const term of ['geneva', 'talks', 'peace']) {
      const table = new TermSetTable();
      const group = [[{ term, weight: 1, boost: 1 }]];
      expectClose(
        scoresById(ms, scoreTerms(ms, group, ['title', 'body'], weights, bm25, table), table),
        scoresById(without, scoreTerms(without, group, ['title', 'body'], weights, bm25, table), table),
      );
    }
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
