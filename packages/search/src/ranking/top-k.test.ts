import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectTop, selectTopIndices } from './top-k';

describe('selectTop', () => {
  it('equals sorting everything and taking the first k', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: 0, max: 30 }), (xs, k) => {
        const byValue = (a: number, b: number) => a - b;
        expect(selectTop(xs, k, byValue)).toEqual([...xs].sort(byValue).slice(0, k));
      }),
    );
  });

  it('keeps a total order with ties broken by a second key', () => {
    const items = [
      { s: 1, id: 'b' },
      { s: 2, id: 'a' },
      { s: 1, id: 'a' },
      { s: 3, id: 'c' },
    ];
    const cmp = (x: (typeof items)[number], y: (typeof items)[number]) =>
      y.s - x.s || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    expect(selectTop(items, 3, cmp).map((x) => `${x.s}${x.id}`)).toEqual(['3c', '2a', '1a']);
  });
});

describe('selectTopIndices', () => {
  it('equals sorting the included indices by their values and taking the first k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 })),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (xs, k, mod) => {
          // A total order on indices: value, then index.
          const order = (i: number, j: number) => (xs[i] as number) - (xs[j] as number) || i - j;
          // mod 1 stands for "no filter" (null), the engine's unfiltered case.
          const include = mod === 1 ? null : (i: number) => i % mod !== 0;
          const kept = xs
            .map((_, i) => i)
            .filter((i) => include?.(i) ?? true)
            .sort(order);
          expect(selectTopIndices(xs.length, k, order, include)).toEqual({
            top: kept.slice(0, k),
            included: kept.length,
          });
        },
      ),
    );
  });
});
