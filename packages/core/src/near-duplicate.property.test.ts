import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BANDS,
  bandKeys,
  decodeSignature,
  encodeSignature,
  estimatedJaccard,
  fingerprintOf,
  isNearDuplicate,
  ROWS,
  SIGNATURE_SIZE,
  shingleHashes,
  signatureOf,
} from './near-duplicate';
import { diffSentences, sentences } from './sentence-diff';

const hashSet = fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 300 });

function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

describe('MinHash signatures', () => {
  it('do not depend on the order of the shingles', () => {
    fc.assert(
      fc.property(hashSet, (hashes) => {
        const forward = signatureOf(new Set(hashes));
        const backward = signatureOf(new Set([...hashes].reverse()));
        expect([...backward]).toEqual([...forward]);
      }),
    );
  });

  it('estimate the Jaccard similarity (within 5 standard deviations at 64 positions)', () => {
    fc.assert(
      fc.property(hashSet, hashSet, fc.integer({ min: 0, max: 300 }), (shared, onlyA, overlap) => {
        const a = new Set([...shared, ...onlyA.slice(0, overlap % (onlyA.length + 1))]);
        const b = new Set([...shared, ...onlyA.slice(overlap % (onlyA.length + 1))]);
        const truth = jaccard(a, b);
        const sigma = Math.sqrt((truth * (1 - truth)) / SIGNATURE_SIZE);
        expect(Math.abs(estimatedJaccard(signatureOf(a), signatureOf(b)) - truth)).toBeLessThanOrEqual(
          5 * sigma + 1e-9,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('agree exactly on equal sets and share every band key', () => {
    fc.assert(
      fc.property(hashSet, (hashes) => {
        const a = signatureOf(new Set(hashes));
        const b = signatureOf(new Set(hashes));
        expect(estimatedJaccard(a, b)).toBe(1);
        expect(bandKeys(a)).toEqual(bandKeys(b));
      }),
    );
  });

  it('share a band key when a band of the signature is equal, and not when none is', () => {
    fc.assert(
      fc.property(hashSet, hashSet, (x, y) => {
        const a = signatureOf(new Set(x));
        const b = signatureOf(new Set(y));
        const keysA = bandKeys(a);
        const keysB = bandKeys(b);
        expect(keysA).toHaveLength(BANDS);
        const rows = ROWS;
        for (let band = 0; band < BANDS; band++) {
          const equal = [...a.slice(band * rows, band * rows + rows)].every(
            (v, i) => v === b[band * rows + i],
          );
          // Equal bands always give equal keys; unequal ones differ but for a 32-bit hash collision.
          if (equal) expect(keysA[band]).toBe(keysB[band]);
        }
      }),
    );
  });

  it('round-trip through their stored form', () => {
    fc.assert(
      fc.property(hashSet, (hashes) => {
        const signature = signatureOf(new Set(hashes));
        expect([...decodeSignature(encodeSignature(signature))]).toEqual([...signature]);
      }),
    );
  });
});

describe('near-duplicate decision', () => {
  const paragraphs = [
    'The central bank raised its main interest rate by half a point on Tuesday, the third rise this year.',
    'Officials said inflation had stayed above target for eighteen months and that wage growth remained strong.',
    'Markets had expected a smaller move, and the currency rose against the dollar after the announcement.',
    'The bank said further increases were possible if prices kept rising faster than forecast in the spring.',
  ];
  const original = { title: 'Central Bank Raises Rates Again', paragraphs };

  it('holds for a re-sent copy, a correction and a re-led version; not for another story', () => {
    expect(isNearDuplicate(fingerprintOf(original), fingerprintOf({ ...original }))).toBe(true);
    const corrected = {
      ...original,
      paragraphs: [paragraphs[0]?.replace('third', 'fourth') ?? '', ...paragraphs.slice(1)],
    };
    expect(isNearDuplicate(fingerprintOf(original), fingerprintOf(corrected))).toBe(true);
    const releded = {
      title: 'Currency Jumps as Central Bank Surprises Markets',
      paragraphs: [
        'The currency jumped on Tuesday after a surprise half-point rise in interest rates.',
        ...paragraphs,
      ],
    };
    expect(isNearDuplicate(fingerprintOf(original), fingerprintOf(releded))).toBe(true);
    const other = {
      title: 'Port Workers Strike Over Pay',
      paragraphs: [
        'Port workers walked out on Tuesday in a dispute over pay, halting container traffic at the main terminal.',
        'Union leaders said the strike would last three days unless the operator improved its offer.',
      ],
    };
    expect(isNearDuplicate(fingerprintOf(original), fingerprintOf(other))).toBe(false);
  });

  it('never calls an empty text a duplicate', () => {
    expect(shingleHashes('').size).toBe(0);
    const empty = fingerprintOf({ title: '', paragraphs: [] });
    expect(isNearDuplicate(empty, empty)).toBe(false);
  });
});

describe('sentence diff', () => {
  const sentence = fc.stringMatching(/^[A-Z][a-z]{2,8}( [a-z]{2,8}){2,6}\.$/);

  it('keeps the common sentences: older minus removed equals newer minus added', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(sentence, { maxLength: 12 }),
        fc.uniqueArray(sentence, { maxLength: 12 }),
        (a, b) => {
          const { added, removed } = diffSentences(a, b);
          const kept = a.filter((s) => !removed.includes(s));
          expect(b.filter((s) => !added.includes(s))).toEqual(kept);
          for (const s of added) expect(b).toContain(s);
          for (const s of removed) expect(a).toContain(s);
        },
      ),
    );
  });

  it('finds nothing between equal texts and splits paragraphs into sentences', () => {
    const text = ['Mr. Smith went to Washington. He arrived on Monday.', 'The U.S. team won.'];
    expect(sentences(text)).toEqual([
      'Mr. Smith went to Washington.',
      'He arrived on Monday.',
      'The U.S. team won.',
    ]);
    expect(diffSentences(sentences(text), sentences(text))).toEqual({ added: [], removed: [] });
  });
});
