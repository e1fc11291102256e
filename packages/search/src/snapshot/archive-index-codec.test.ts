import { describe, expect, it } from 'vitest';
import { makeArticle } from '../../../../test/fixtures/lifecycle-articles';
import { ArchiveIndex } from '../documents/archive-index';
import { ANALYZER, SEARCH_FIELDS } from '../minisearch/index-definition';
import { shortIdOf } from '../minisearch/minisearch-internals';
import { runSearch } from '../testing/reference-search';

function indexOf(count: number): ArchiveIndex {
  const index = ArchiveIndex.empty();
  for (let n = 0; n < count; n++) index.applyUpsert(makeArticle(`a${n}`, 1, n));
  return index;
}

/** Every consecutive pair of analysed terms of an article's fields, and some pairs that are not. */
function phrasesOf(index: ArchiveIndex, id: string): string[][] {
  const doc = index.document(id);
  if (!doc) return [];
  const pairs: string[][] = [];
  for (const field of SEARCH_FIELDS) {
    const terms = ANALYZER.terms(doc[field]);
    for (let i = 0; i + 1 < terms.length; i++) {
      pairs.push([terms[i] as string, terms[i + 1] as string], [terms[i + 1] as string, terms[i] as string]);
    }
  }
  return pairs;
}

describe('archive snapshot term sequences', () => {
  it('answer phrase checks exactly as analysing the text does, for loaded articles', () => {
    const built = indexOf(30);
    const loaded = ArchiveIndex.deserialize(built.serialize());
    for (let n = 0; n < 30; n++) {
      const id = `a${n}`;
      const shortId = shortIdOf(loaded.engine, id) as number;
      for (const terms of [...phrasesOf(loaded, id), ['unknownterm', 'report'], ['report']]) {
        const match = loaded.sequenceMatcher(terms);
        for (const field of SEARCH_FIELDS) {
          const seq = ANALYZER.terms(loaded.fieldText(shortId, field) ?? '');
          const expected = seq.some((_, i) => terms.every((t, j) => seq[i + j] === t));
          expect(match(shortId, field)).toBe(expected);
        }
      }
    }
  });

  it('answer for articles changed since the snapshot from the sequence recorded when indexed', () => {
    const loaded = ArchiveIndex.deserialize(indexOf(3).serialize());
    loaded.applyUpsert(makeArticle('a1', 2, 1));
    const shortId = shortIdOf(loaded.engine, 'a1') as number;
    expect(loaded.sequenceMatcher(['report', 'a1'])(shortId, 'title')).toBe(true);
    expect(loaded.sequenceMatcher(['a1', 'report'])(shortId, 'title')).toBe(false);
    expect(loaded.sequenceMatcher(['report', 'a1'])(shortId, 'body')).toBe(false);
    const phrase = `"${loaded.document('a1')?.title}"`;
    expect(runSearch(loaded, { q: phrase }).results.map((r) => r.id)).toContain('a1');
  });

  it('give the same search results as the index they were serialised from', () => {
    const built = indexOf(40);
    const loaded = ArchiveIndex.deserialize(built.serialize());
    for (const q of ['"oil shipping"', '"report a1"', '"markets court" oil', 'storm -"oil markets"']) {
      expect(runSearch(loaded, { q, limit: 50 }).results).toEqual(runSearch(built, { q, limit: 50 }).results);
    }
  });
});
