import { readFileSync } from 'node:fs';
import type { Article } from '@archive/core';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS, PartitionedIndex, QueryError } from '@archive/search';
import { describe, expect, it } from 'vitest';

/** The default mode (no `mode`): what a reader typing into a search box gets (docs/SEARCH.md). */

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/search-articles.json', import.meta.url), 'utf8'),
) as Article[];
const SAMPLE = 'syria-opposition-2024-11-27';

function article(id: string, title: string, body: string, day = 1): Article {
  const base = fixtures[0] as Article;
  const publishedAt = `2024-03-${String(day).padStart(2, '0')}T10:00:00Z`;
  return { ...base, id, title, paragraphs: [body], caption: null, publishedAt, localTime: publishedAt };
}

function build(articles: Article[]): PartitionedIndex {
  const index = PartitionedIndex.empty();
  for (const a of articles) index.applyUpsert(a);
  return index;
}

const fixtureIndex = build(fixtures);

describe('plain words', () => {
  it('requires every word when a page of articles holds them all', () => {
    const index = build([
      ...Array.from({ length: 12 }, (_, i) =>
        article(`both-${i}`, 'Harbour crane', `The crane in the harbour ${i}.`),
      ),
      article('crane-only', 'Crane', 'A crane.'),
    ]);
    const res = index.query({ q: 'harbour crane' });
    expect(res.total).toBe(12);
    expect(res.missing).toEqual([]);
    expect(res.results.every((r) => r.id.startsWith('both-') && r.missing?.length === 0)).toBe(true);
  });

  it('relaxes when fewer than a page hold them all: those first, then the others, total exact', () => {
    const res = fixtureIndex.query({ q: 'Kerry refugees' });
    // One article holds both words, one only "Kerry": both are answered, the first one first.
    expect(res.results.map((r) => r.id)).toEqual(['kerry-visit-amman', SAMPLE]);
    expect(res.total).toBe(2);
    expect(res.missing).toEqual(['Kerry', 'refugees']);
    expect(res.results.map((r) => r.missing)).toEqual([[], ['refugees']]);
    expect(res.facets.month.reduce((n, b) => n + b.count, 0)).toBe(2);
    // The strict mode keeps the old answer.
    expect(fixtureIndex.query({ q: 'Kerry refugees', mode: 'all' }).results.map((r) => r.id)).toEqual([
      'kerry-visit-amman',
    ]);
  });

  it('ranks articles with all words first', () => {
    const index = build([
      article('all', 'Port report', 'The port opened. Ferry traffic resumed.'),
      ...Array.from({ length: 3 }, (_, i) =>
        article(`ferry-${i}`, 'Ferry ferry ferry', 'Ferry ferry ferry ferry ferry.', i + 2),
      ),
    ]);
    const res = index.query({ q: 'ferry port' });
    expect(res.results[0]?.id).toBe('all');
    expect(res.total).toBe(4);
  });

  it('pages a relaxed answer with cursors, every hit once', () => {
    const index = build(
      Array.from({ length: 25 }, (_, i) =>
        article(`a${i}`, i % 7 === 0 ? 'Storm and flood' : 'Storm', `Storm number ${i}.`, (i % 28) + 1),
      ),
    );
    const first = index.query({ q: 'storm flood', limit: 10 });
    expect(first.total).toBe(25);
    const seen = first.results.map((r) => r.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const next = index.query({ q: 'storm flood', limit: 10, cursor });
      seen.push(...next.results.map((r) => r.id));
      cursor = next.nextCursor;
    }
    expect(new Set(seen).size).toBe(25);
    expect(seen.slice(0, 4).sort()).toEqual(['a0', 'a14', 'a21', 'a7']);
  });

  it('lists a word no article holds as missing, and offers a spelling only then', () => {
    const typo = fixtureIndex.query({ q: 'Kerry refugeez' });
    expect(typo.results[0]?.id).toBe('kerry-visit-amman');
    expect(typo.missing).toEqual(['refugeez']);
    expect(typo.didYouMean).toBe('Kerry refugees');
    const found = fixtureIndex.query({ q: 'Kerry refugees' });
    expect(found.didYouMean).toBeUndefined();
    expect(fixtureIndex.query({ q: 'Geneva' }).didYouMean).toBeUndefined();
  });

  it('never comes back empty while some word is in the archive', () => {
    const res = fixtureIndex.query({ q: 'what do the diplomats know about inflation and rates' });
    expect(res.results.map((r) => r.id)).toEqual(
      expect.arrayContaining(['economy-report', 'geneva-talks-preview']),
    );
    expect(fixtureIndex.query({ q: 'qwertyuiop zxcvbnm' }).total).toBe(0);
  });
});

describe('syntax slips', () => {
  it('reads an unclosed quote or parenthesis as text, with a note; strict=true refuses it', () => {
    const quote = fixtureIndex.query({ q: 'peace "initiative' });
    expect(quote.results.map((r) => r.id)).toContain(SAMPLE);
    expect(quote.notes).toEqual([expect.objectContaining({ code: 'read_as_text', position: 6 })]);
    const paren = fixtureIndex.query({ q: 'talks (Istanbul' });
    expect(paren.results[0]?.id).toBe(SAMPLE);
    expect(paren.notes?.[0]?.code).toBe('read_as_text');
    for (const q of ['peace "initiative', 'talks (Istanbul', 'Kerry OR']) {
      expect(() => fixtureIndex.query({ q, strict: true }), q).toThrow(QueryError);
    }
    try {
      fixtureIndex.query({ q: 'peace "initiative', strict: true });
    } catch (error) {
      expect(error).toMatchObject({ code: 'unterminated_phrase', position: 6 });
    }
  });

  it('keeps operators strict while they match, and says so when it answers their words instead', () => {
    expect(fixtureIndex.query({ q: '"peace initiative"' }).notes).toBeUndefined();
    const reversed = fixtureIndex.query({ q: '"initiative peace"' });
    expect(reversed.results.map((r) => r.id)).toContain(SAMPLE);
    expect(reversed.notes?.[0]?.code).toBe('read_as_text');
    // Exclusions stay exclusions when the rest is read as words.
    const excluded = fixtureIndex.query({ q: '"initiative peace" -Istanbul' });
    expect(excluded.results.map((r) => r.id)).not.toContain(SAMPLE);
    expect(fixtureIndex.query({ q: 'Kerry -refugees' }).results.map((r) => r.id)).toEqual([SAMPLE]);
  });

  it('reads parentheses and AND in plain text as words, and OR in capitals as a word', () => {
    const res = fixtureIndex.query({ q: 'Kerry (Secretary of State) AND refugees' });
    expect(res.results[0]?.id).toBe('kerry-visit-amman');
    expect(res.missing).toBeDefined();
    expect(fixtureIndex.query({ q: 'KERRY OR REFUGEES' }).missing).toBeDefined();
    expect(fixtureIndex.query({ q: 'Kerry OR inflation' }).missing).toBeUndefined();
  });
});

describe('long requests', () => {
  const paragraph = fixtures
    .flatMap((a) => [a.title, ...a.paragraphs])
    .join(' ')
    .replace(/["-]/g, ' ');

  it('answers a pasted text of thousands of characters with the words carrying most meaning', () => {
    const q = `${paragraph} ${paragraph}`.slice(0, 3000);
    expect(q.length).toBe(3000);
    const res = fixtureIndex.query({ q });
    expect(res.total).toBeGreaterThan(0);
    expect(res.notes).toBeUndefined();
    const distinct = new Set(q.toLowerCase().match(/\p{L}+/gu)).size;
    expect(distinct).toBeGreaterThan(MAX_QUERY_TERMS);
    // Left-out words are listed as not required.
    expect(res.missing?.length).toBeGreaterThan(0);
  });

  it('cuts plain text beyond MAX_QUERY_LENGTH with a note, and refuses it only when strict with operators', () => {
    const q = `Kerry refugees ${'talks '.repeat(MAX_QUERY_LENGTH / 3)}`;
    const res = fixtureIndex.query({ q });
    expect(res.results[0]?.id).toBe('kerry-visit-amman');
    expect(res.notes).toEqual([expect.objectContaining({ code: 'query_truncated' })]);
    expect(() => fixtureIndex.query({ q: `"Kerry" ${q}`, mode: 'all' })).toThrow(/limited/);
  });

  it('reads an operator query with more words than operators may carry as text; strict refuses it', () => {
    const q = `"Kerry" ${'refugees talks officials '.repeat(12)}`;
    expect(fixtureIndex.query({ q }).results[0]?.id).toBe('kerry-visit-amman');
    expect(() => fixtureIndex.query({ q, strict: true })).toThrow(/at most 32 terms/);
  });
});

describe('prefixes on words', () => {
  const index = build([
    article('negative', 'Cattle on feed report called negative', 'The report was negative for prices.'),
    article('talks', 'Negotiators meet', 'Negotiations on the tariff resumed; both sides negotiate.', 2),
    article('pre', 'Pre-paid legal plans', 'A pre-paid plan.', 3),
    article('president', 'President speaks', 'The president spoke.', 4),
  ]);
  const ids = (q: string) => index.query({ q }).results.map((r) => r.id);

  it('matches words that begin with the prefix and nothing shorter', () => {
    expect(ids('negot*')).toEqual(['talks']);
    expect(ids('negotiat*')).toEqual(['talks']);
    expect(ids('presid*')).toEqual(['president']);
    // A prefix reaching into a removed ending still finds the stem ("negative" → neg).
    expect(ids('negati*')).toEqual(['negative']);
  });
});
