import { describe, expect, it } from 'vitest';
import { QueryError } from './errors';
import { MAX_SPELLCHECK_WORDS, MIN_PREFIX_LENGTH } from './limits';
import { parseQuery } from './parser';
import { planQuery } from './plan';
import { spellingCandidates } from './suggest';

function planError(q: string): string {
  try {
    const ast = parseQuery(q, 'all');
    if (ast) planQuery(ast, 'all');
  } catch (error) {
    if (error instanceof QueryError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('query guards apply to the analysed form (issue 12, finding 4)', () => {
  it.each([
    ['e\u0301\u0301*', 'one letter and two combining acutes'],
    ['e\u0301\u0301\u0301\u0301*', 'one letter and four combining acutes'],
    ['a\u0308b\u0308*', 'two letters with diaeresis marks'],
    ['ﬀ*', 'a ligature that is one character'],
  ])('refuses the prefix %s (%s) like a short prefix', (q) => {
    expect(planError(q)).toBe('prefix_too_short');
  });

  it(`still accepts ${MIN_PREFIX_LENGTH} accented letters`, () => {
    expect(planError('e\u0301te\u0301*')).toBe('accepted');
    expect(planError('été*')).toBe('accepted');
  });
});

describe('did-you-mean is bounded per query (issue 12, finding 6)', () => {
  it(`spell-checks at most ${MAX_SPELLCHECK_WORDS} words of a long query of unknown words`, () => {
    const words = Array.from({ length: 32 }, (_, i) => `zqxw${String.fromCharCode(97 + (i % 26))}vbnm${i}`);
    const candidates = spellingCandidates(words.join(' '), 'natural');
    expect(candidates.length).toBe(MAX_SPELLCHECK_WORDS);
    expect(candidates.map((c) => c.folded)).toEqual(words.slice(0, MAX_SPELLCHECK_WORDS));
  });
});
