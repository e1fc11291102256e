import fc from 'fast-check';
import MiniSearch, { type Options } from 'minisearch';
import { describe, expect, it } from 'vitest';
import { decodeMiniSearch, encodeMiniSearch, type LazyTermData } from './minisearch-codec';

interface Doc {
  id: string;
  title: string;
  body: string;
}

const options: Options<Doc> = { fields: ['title', 'body'], storeFields: [] };

const WORDS =
  'peace talks syria geneva opposition regime kerry istanbul coalition army border city rebels'.split(' ');

function corpus(count: number, seed = 1): Doc[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  const words = (n: number) => Array.from({ length: n }, () => WORDS[next() % WORDS.length]).join(' ');
  return Array.from({ length: count }, (_, i) => ({ id: `doc-${i}`, title: words(4), body: words(30) }));
}

/**
 * toJSON with what legitimately differs removed: term order follows the radix tree's insertion
 * history, and MiniSearch keeps an empty stored-fields object per document even with no stored fields.
 */
function canonical(ms: MiniSearch<Doc>) {
  const json = JSON.parse(JSON.stringify(ms));
  json.index.sort((a: [string], b: [string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  json.storedFields = Object.fromEntries(
    Object.entries(json.storedFields as Record<string, object>).filter(([, v]) => Object.keys(v).length > 0),
  );
  return json;
}

function build(docs: Doc[]): MiniSearch<Doc> {
  const ms = new MiniSearch<Doc>(options);
  ms.addAll(docs);
  return ms;
}

const QUERIES: [string, object][] = [
  ['peace', {}],
  ['peace talks', { combineWith: 'AND' }],
  ['syr', { prefix: true }],
  ['genevo', { fuzzy: 0.2 }],
  ['kerry', { fields: ['title'] }],
  ['regime rebels', { combineWith: 'OR', boost: { title: 2 } }],
];

describe('MiniSearch snapshot codec (pinned to minisearch 7.2 internals)', () => {
  it('round-trips to an index whose toJSON equals the original', () => {
    const original = build(corpus(200));
    original.discard('doc-3');
    original.discard('doc-10');
    const decoded = decodeMiniSearch(encodeMiniSearch(original), options);
    expect(canonical(decoded)).toEqual(canonical(original));
  });

  it('answers every kind of query exactly like the original', () => {
    const original = build(corpus(300));
    const decoded = decodeMiniSearch(encodeMiniSearch(original), options);
    for (const [query, searchOptions] of QUERIES) {
      expect(decoded.search(query, searchOptions)).toEqual(original.search(query, searchOptions));
    }
    expect(decoded.autoSuggest('pea')).toEqual(original.autoSuggest('pea'));
    expect(decoded.documentCount).toBe(original.documentCount);
    expect(decoded.termCount).toBe(original.termCount);
  });

  it('decodes postings only for the terms a query touches', () => {
    const decoded = decodeMiniSearch(encodeMiniSearch(build(corpus(50))), options);
    const pending = () =>
      [...(decoded as unknown as { _index: Map<string, LazyTermData> })._index].filter(([, d]) => d.isPending)
        .length;
    const before = pending();
    decoded.search('kerry');
    expect(pending()).toBe(before - 1);
  });

  it('accepts adds, discards, replacements and vacuuming after decoding, like the original', async () => {
    const docs = corpus(120);
    const original = build(docs);
    const decoded = decodeMiniSearch(encodeMiniSearch(original), options);
    for (const ms of [original, decoded]) {
      ms.add({ id: 'new-1', title: 'geneva peace', body: 'kerry istanbul' });
      ms.discard('doc-5');
      ms.replace({ id: 'doc-6', title: 'army', body: 'border city' });
      ms.remove(docs[7] as Doc);
      await ms.vacuum();
    }
    expect(canonical(decoded)).toEqual(canonical(original));
    for (const [query, searchOptions] of QUERIES) {
      expect(decoded.search(query, searchOptions)).toEqual(original.search(query, searchOptions));
    }
  });

  it('round-trips arbitrary ids and texts (property)', () => {
    const doc = fc.record({ title: fc.string({ maxLength: 30 }), body: fc.string({ maxLength: 120 }) });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 30 }),
        fc.array(doc),
        (ids, texts) => {
          const docs = ids.map((id, i) => ({
            id,
            ...(texts[i % Math.max(texts.length, 1)] ?? { title: '', body: '' }),
          }));
          const original = build(docs);
          const decoded = decodeMiniSearch(encodeMiniSearch(original), options);
          expect(canonical(decoded)).toEqual(canonical(original));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses bytes that are not a snapshot, and indexes with stored fields', () => {
    expect(() => decodeMiniSearch(new Uint8Array([1, 2, 3, 4, 5]), options)).toThrow(/bad magic/);
    const stored = new MiniSearch<Doc>({ fields: ['title'], storeFields: ['title'] });
    stored.add({ id: 'a', title: 't', body: 'b' });
    expect(() => encodeMiniSearch(stored)).toThrow(/stored fields/);
  });
});

describe('LazyTermData read in place', () => {
  it('counts and iterates postings without materialising, as the materialised Map does', () => {
    const original = build(corpus(60, 7));
    const decoded = decodeMiniSearch(encodeMiniSearch(original), options);
    const index = (decoded as unknown as { _index: Map<string, LazyTermData> })._index;
    const data = index.get('geneva') as LazyTermData;
    const seen: [number, number, number][] = [];
    let total = 0;
    for (const fieldId of [0, 1, 2]) {
      let announced = -1;
      const n = data.forEachPosting(
        fieldId,
        (shortId, freq) => seen.push([fieldId, shortId, freq]),
        (count) => {
          announced = count;
        },
      );
      if (n > 0) expect(announced).toBe(n);
      total += n;
    }
    expect(data.postingCount()).toBe(total);
    expect(data.isPending).toBe(true);
    const materialised = [...data].flatMap(([fieldId, docs]) =>
      [...docs].map(([shortId, freq]): [number, number, number] => [fieldId, shortId, freq]),
    );
    // Fields come in encoding order; within a field, postings in short id order.
    const byField = (a: number[], b: number[]) => (a[0] as number) - (b[0] as number);
    expect(seen).toEqual(materialised.sort(byField));
    expect(data.postingCount()).toBe(total);
  });
});
