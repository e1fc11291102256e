import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeArticle } from '../../../../test/fixtures/lifecycle-articles';
import { ANALYZER, SEARCH_FIELDS } from '../minisearch/index-definition';
import { proximityBonus, queryPairs, sequenceProximityBonus } from '../ranking/proximity';
import { ArchiveIndex } from './archive-index';

const WORDS = [
  'Oil',
  'oil',
  'prices',
  'price',
  'rose',
  'the',
  'of',
  "Syria's",
  'talks',
  'TALKS',
  '1987',
  'Genève',
];
const text = fc
  .array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(' ', ', ', '. ', '\n\n')), { maxLength: 30 })
  .map((parts) => parts.map(([w, sep]) => w + sep).join(''));
const terms = fc.array(fc.constantFrom('oil', 'price', 'rose', 'talk', 'syria', '1987', 'geneva', 'absent'), {
  minLength: 1,
  maxLength: 4,
});

function indexOf(docs: { title: string; body: string }[]): ArchiveIndex {
  const index = ArchiveIndex.empty();
  docs.forEach(({ title, body }, n) => {
    index.applyUpsert({ ...makeArticle(`a${n}`, 1, n), title, paragraphs: [body], caption: null });
  });
  return index;
}

const idf = (term: string) => term.length / 3;

describe('term sequences of articles indexed in this process', () => {
  it('answer phrase checks and proximity exactly as analysing the text does, before and after a snapshot', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: text, body: text }), { minLength: 1, maxLength: 4 }),
        terms,
        (docs, query) => {
          const built = indexOf(docs);
          const loaded = ArchiveIndex.deserialize(built.serialize());
          const pairs = queryPairs(query);
          for (const index of [built, loaded]) {
            const match = index.sequenceMatcher(query);
            for (const doc of index.documents()) {
              const shortId = index.shortIdOf(doc.id) as number;
              for (const field of SEARCH_FIELDS) {
                const seq = ANALYZER.terms(doc[field]);
                const expected = seq.some((_, i) => query.every((t, j) => seq[i + j] === t));
                const answer = match(shortId, field);
                if (answer !== undefined) expect(answer).toBe(expected);
              }
              const recorded = index.termSequence(shortId);
              if (index === built) expect(recorded).toBeDefined();
              if (!recorded) continue;
              const pairIds = pairs.map(([a, b]) => {
                const [x, y] = [recorded.table(a), recorded.table(b)];
                return x === undefined || y === undefined ? null : ([x, y] as [number, number]);
              });
              expect(sequenceProximityBonus(recorded.sequence, pairIds, pairs, idf)).toBe(
                proximityBonus([doc.title, doc.body], pairs, idf, ANALYZER),
              );
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('forgets the sequence of an article taken down or replaced', () => {
    const index = indexOf([{ title: 'Oil talks', body: 'Prices rose.' }]);
    const shortId = index.shortIdOf('a0') as number;
    expect(index.termSequence(shortId)?.sequence.titleCount).toBe(2);
    index.applyRemove('a0', 1);
    expect(index.termSequence(shortId)).toBeUndefined();
    expect(index.shortIdOf('a0')).toBeUndefined();
  });
});
