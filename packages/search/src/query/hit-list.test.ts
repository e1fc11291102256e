import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HitList, intersectHits, TermSetTable, unionHits } from './hit-list';

type Reference = Map<number, { score: number; terms: Set<string> }>;

const TERMS = ['a', 'b', 'c', 'd'];

/** Random hits: distinct ids with a score and a non-empty subset of TERMS. */
const hitsArb = fc
  .uniqueArray(
    fc.record({
      id: fc.integer({ min: 0, max: 60 }),
      score: fc.double({ min: 0, max: 100, noNaN: true }),
      terms: fc.uniqueArray(fc.constantFrom(...TERMS), { minLength: 1 }),
    }),
    { selector: (h) => h.id, maxLength: 40 },
  )
  .map((hits) => hits.sort((x, y) => x.id - y.id));

function build(hits: { id: number; score: number; terms: string[] }[], table: TermSetTable): HitList {
  const list = new HitList(hits.length);
  for (const h of hits) list.push(h.id, h.score, table.intern(h.terms));
  return list;
}

function reference(hits: { id: number; score: number; terms: string[] }[]): Reference {
  return new Map(hits.map((h) => [h.id, { score: h.score, terms: new Set(h.terms) }]));
}

function read(list: HitList, table: TermSetTable): Reference {
  const out: Reference = new Map();
  for (let i = 0; i < list.size; i++) {
    out.set(list.ids[i] as number, {
      score: list.scores[i] as number,
      terms: new Set(table.get(list.termSets[i] as number)),
    });
  }
  return out;
}

function ascending(list: HitList): boolean {
  for (let i = 1; i < list.size; i++)
    if ((list.ids[i - 1] as number) >= (list.ids[i] as number)) return false;
  return true;
}

describe('hit lists (against a Map of per-hit objects)', () => {
  it('union adds scores and unites terms of shared documents', () => {
    fc.assert(
      fc.property(hitsArb, hitsArb, (xs, ys) => {
        const table = new TermSetTable();
        const expected = reference(xs);
        for (const [id, m] of reference(ys)) {
          const e = expected.get(id);
          if (!e) expected.set(id, m);
          else expected.set(id, { score: e.score + m.score, terms: new Set([...e.terms, ...m.terms]) });
        }
        const got = unionHits(build(xs, table), build(ys, table), table);
        expect(read(got, table)).toEqual(expected);
        expect(ascending(got)).toBe(true);
      }),
    );
  });

  it('intersect keeps shared documents with summed scores and united terms', () => {
    fc.assert(
      fc.property(hitsArb, hitsArb, (xs, ys) => {
        const table = new TermSetTable();
        const a = reference(xs);
        const expected: Reference = new Map();
        for (const [id, m] of reference(ys)) {
          const e = a.get(id);
          if (e) expected.set(id, { score: e.score + m.score, terms: new Set([...e.terms, ...m.terms]) });
        }
        const got = intersectHits(build(xs, table), build(ys, table), table);
        expect(read(got, table)).toEqual(expected);
        expect(ascending(got)).toBe(true);
      }),
    );
  });

  it('subtract and filter drop documents in place, keeping order', () => {
    fc.assert(
      fc.property(hitsArb, hitsArb, fc.integer({ min: 1, max: 5 }), (xs, ys, mod) => {
        const table = new TermSetTable();
        const drop = new Set(ys.map((h) => h.id));
        const expected = new Map([...reference(xs)].filter(([id]) => !drop.has(id) && id % mod !== 0));
        const got = build(xs, table)
          .subtract(build(ys, table))
          .filter((id) => id % mod !== 0);
        expect(read(got, table)).toEqual(expected);
        expect(ascending(got)).toBe(true);
      }),
    );
  });
});

describe('TermSetTable', () => {
  it('gives equal sets one code, with 0 the empty set', () => {
    const table = new TermSetTable();
    const ab = table.withTerm(table.withTerm(0, 'a'), 'b');
    expect(table.intern(['b', 'a'])).toBe(ab);
    expect(table.withTerm(ab, 'a')).toBe(ab);
    expect(table.union(table.intern(['a']), table.intern(['b']))).toBe(ab);
    expect(table.union(ab, 0)).toBe(ab);
    expect([...table.get(0)]).toEqual([]);
    expect(new Set(table.get(ab))).toEqual(new Set(['a', 'b']));
  });

  it('unites any two sets by content', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.constantFrom(...TERMS)), { minLength: 2, maxLength: 6 }),
        (sets) => {
          const table = new TermSetTable();
          const codes = sets.map((s) => table.intern(s));
          for (let i = 0; i < codes.length; i++) {
            for (let j = 0; j < codes.length; j++) {
              const merged = table.get(table.union(codes[i] as number, codes[j] as number));
              expect(new Set(merged)).toEqual(new Set([...(sets[i] ?? []), ...(sets[j] ?? [])]));
            }
          }
        },
      ),
    );
  });
});
