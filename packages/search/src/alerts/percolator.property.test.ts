import type { Article } from '@archive/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Percolator } from './percolator';
import { checkStandingQuery, requiredTerms, type StandingQuery } from './standing-query';

/** A small vocabulary so that queries and articles share words often (and stems: port/ports). */
const WORDS = ['port', 'ports', 'oil', 'talks', 'peace', 'geneva', 'syria', 'dam', 'nile', 'strike', 'the'];
const PLACES = ['Beirut', 'Geneva', 'Cairo'];
const SOURCES = ['Reuters', 'AFP'];
const TAGS = ['energy', 'politics'];

const word = fc.constantFrom(...WORDS);
const sentence = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));

const article = fc
  .record({
    title: sentence,
    paragraphs: fc.array(sentence, { minLength: 1, maxLength: 3 }),
    place: fc.option(fc.constantFrom(...PLACES), { nil: null }),
    source: fc.option(fc.constantFrom(...SOURCES), { nil: null }),
    language: fc.constantFrom('en', 'fr', 'en-GB'),
    tags: fc.subarray(TAGS),
    day: fc.integer({ min: 1, max: 28 }),
  })
  .map(
    (a): Article => ({
      id: 'the-article',
      title: a.title,
      paragraphs: a.paragraphs,
      caption: null,
      publishedAt: `2024-11-${String(a.day).padStart(2, '0')}T12:00:00Z`,
      localTime: `2024-11-${String(a.day).padStart(2, '0')}T12:00:00+00:00`,
      timeZone: 'UTC',
      place: a.place,
      language: a.language,
      source: a.source,
      url: null,
      tags: a.tags,
      version: 1,
      contentHash: 'x',
      previousHash: null,
      ingestedAt: '2024-12-01T00:00:00Z',
      updatedAt: '2024-12-01T00:00:00Z',
    }),
  );

/** Query text in the language of /search: words, phrases, OR, exclusions, fields, prefixes, fuzzy. */
const clause: fc.Arbitrary<string> = fc.oneof(
  word,
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`),
  word.map((w) => `title:${w}`),
  fc.constantFrom('por*', 'tal*', 'genva~', 'strik~1'),
  fc.tuple(word, word).map(([a, b]) => `(${a} OR ${b})`),
);
const queryText = fc
  .tuple(fc.array(clause, { minLength: 1, maxLength: 3 }), fc.option(word, { nil: undefined }))
  .map(([clauses, excluded]) => [...clauses, ...(excluded ? [`-${excluded}`] : [])].join(' '));

/** A query and at most two filters (more would make matches too rare to test anything). */
const standingQuery: fc.Arbitrary<StandingQuery> = fc
  .tuple(
    queryText,
    fc.subarray(
      [
        { place: 'Beirut' },
        { source: 'Reuters' },
        { language: 'en' },
        { tags: ['energy'] },
        { from: '2024-11-10' },
        { to: '2024-11-20', tz: 'Asia/Tokyo' },
      ],
      { maxLength: 2 },
    ),
  )
  .map(([q, filters]): StandingQuery => Object.assign({ q }, ...filters));

function valid(query: StandingQuery): boolean {
  try {
    checkStandingQuery(query);
    return true;
  } catch {
    return false;
  }
}

describe('the percolator', () => {
  it('matches exactly the alerts that checking every alert matches', () => {
    let matches = 0;
    fc.assert(
      fc.property(
        fc.array(standingQuery, { maxLength: 30 }),
        fc.array(article, { maxLength: 5 }),
        (queries, articles) => {
          const percolator = new Percolator();
          queries.filter(valid).forEach((query, i) => {
            percolator.add({ id: `alert-${i}`, query });
          });
          for (const a of articles) {
            const matched = percolator.match(a);
            expect(matched).toEqual(percolator.matchEveryAlert(a));
            matches += matched.length;
          }
        },
      ),
      { numRuns: 150 },
    );
    // The generators are only a test if matches happen (they do: shared small vocabulary).
    expect(matches).toBeGreaterThan(50);
  });

  it('still equals the reference after alerts are removed or replaced', () => {
    fc.assert(
      fc.property(
        fc.array(standingQuery, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        article,
        (queries, removals, a) => {
          const percolator = new Percolator();
          const accepted = queries.filter(valid);
          accepted.forEach((query, i) => {
            percolator.add({ id: `alert-${i}`, query });
          });
          for (const r of removals) {
            if (accepted.length === 0) break;
            const i = r % accepted.length;
            if (r % 2 === 0) percolator.remove(`alert-${i}`);
            else
              percolator.add({
                id: `alert-${i}`,
                query: accepted[(i + 1) % accepted.length] as StandingQuery,
              });
          }
          expect(percolator.match(a)).toEqual(percolator.matchEveryAlert(a));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('names required terms for plain queries, so most alerts are not candidates', () => {
    expect(requiredTerms({ q: 'geneva talks' })).toHaveLength(1);
    expect(requiredTerms({ q: 'port OR oil' })).toEqual(['port', 'oil']);
    expect(requiredTerms({ q: '"peace talks" -syria' })).toEqual(['peac']); // Porter's stem
    expect(requiredTerms({ q: 'geneva~' })).toBeNull();
    expect(requiredTerms({ place: 'Beirut' })).toBeNull();
    expect(requiredTerms({ q: 'the' })).toEqual([]);

    const percolator = new Percolator();
    for (let i = 0; i < 1000; i++) percolator.add({ id: `a${i}`, query: { q: `geneva keyword${i}xx` } });
    percolator.add({ id: 'beirut', query: { place: 'Beirut' } });
    fc.assert(
      fc.property(article, (a) => {
        // Only the keyword{i} term is required per alert, so none of the 1,000 is a candidate.
        expect([...percolator.candidates(a)]).toEqual(['beirut']);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses what /search refuses', () => {
    expect(() => checkStandingQuery({ q: '"unclosed' })).toThrow();
    expect(() => checkStandingQuery({ q: 'ok', from: 'yesterday' })).toThrow();
    expect(() => checkStandingQuery({ q: 'ok', from: '2024-02-01', to: '2024-01-01' })).toThrow();
    expect(() => checkStandingQuery({ q: 'ok', tz: 'Mars/Olympus' })).toThrow();
    expect(() => checkStandingQuery({ q: 'peace talks', place: 'Geneva' })).not.toThrow();
  });
});
