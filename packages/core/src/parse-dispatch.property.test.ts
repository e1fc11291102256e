import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DispatchValidationError } from './errors';
import { parseDispatch } from './parse-dispatch';
import { renderDispatch } from './render';
import { comparable } from './text';
import { EXAMPLE_PLACES } from './time-zones';

const word = fc.stringMatching(/^[A-Za-zÀ-ÿ\u0600-\u06FF]{1,12}$/);
const sentence = fc.array(word, { minLength: 1, maxLength: 30 }).map((words) => `${words.join(' ')}.`);

/** Paragraphs that are distinct and where none ends with another (that would be a glued caption). */
const paragraphs = fc
  .uniqueArray(sentence, { minLength: 1, maxLength: 8, selector: comparable })
  .filter((ps) => ps.every((p, i) => ps.every((q, j) => i === j || !comparable(p).endsWith(comparable(q)))));

const dateline = fc
  .record({
    day: fc.integer({ min: 1, max: 28 }),
    month: fc.integer({ min: 1, max: 12 }),
    year: fc.integer({ min: 1980, max: 2035 }),
    hour: fc.integer({ min: 1, max: 12 }),
    minute: fc.integer({ min: 0, max: 59 }),
    meridiem: fc.constantFrom('AM', 'PM'),
    place: fc.constantFrom(...EXAMPLE_PLACES),
  })
  .map(({ day, month, year, hour, minute, meridiem, place }) => {
    const two = (n: number) => String(n).padStart(2, '0');
    return `${two(day)}-${two(month)}-${year} ${two(hour)}:${two(minute)} ${meridiem} ${place} Timing`;
  });

describe('parseDispatch properties', () => {
  it('returns an article or a typed validation error for any text, never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const result = parseDispatch({ kind: 'text', text });
        expect(result.ok || result.error instanceof DispatchValidationError).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('returns an article or a typed validation error for any JSON value, never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseDispatch({ kind: 'json', value });
        expect(result.ok || result.error instanceof DispatchValidationError).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('survives near-valid dispatches with arbitrary bodies', () => {
    fc.assert(
      fc.property(
        dateline,
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 400 }),
        (line, title, body) => {
          const result = parseDispatch({ kind: 'text', text: `${line}\n${title}\n\n${body}` });
          expect(result.ok || result.error instanceof DispatchValidationError).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parses an article rendered back to the raw format to the same article', () => {
    const caption = fc.option(
      sentence.filter((c) => c.length <= 150),
      { nil: null },
    );
    fc.assert(
      fc.property(dateline, sentence, paragraphs, caption, (line, title, body, cap) => {
        fc.pre(body.every((p) => comparable(p) !== comparable(title)));
        // A caption needs a lead long enough to be recognised as a repeat.
        fc.pre(cap === null || comparable(body[0] ?? '').length >= 40);
        const first = parseDispatch({ kind: 'text', text: `${line}\n\n${title}\n\n${body.join('\n\n')}` });
        if (!first.ok) throw first.error;
        const article = { ...first.draft, caption: cap };
        const again = parseDispatch({ kind: 'text', text: renderDispatch(article) });
        if (!again.ok) throw again.error;
        const { contentHash: _a, ...expected } = article;
        const { contentHash: _b, ...actual } = again.draft;
        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
