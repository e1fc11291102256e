import { describe, expect, it } from 'vitest';
import type { QueryNode } from './ast';
import { QueryError } from './errors';
import { MAX_QUERY_LENGTH } from './limits';
import { parseQuery } from './parser';

function fail(q: string): QueryError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`expected ${q} to fail`);
}

/** Compact rendering of a tree for readable assertions. */
function show(node: QueryNode | null): string {
  if (!node) return '∅';
  switch (node.kind) {
    case 'term':
      return `${node.field ? `${node.field}:` : ''}${node.text}${node.prefix ? '*' : ''}${node.fuzzy ? `~${node.fuzzy}` : ''}`;
    case 'phrase':
      return `${node.field ? `${node.field}:` : ''}"${node.text}"`;
    case 'or':
      return `(${node.children.map(show).join(' | ')})`;
    case 'and':
      return `[${[...node.children.map(show), ...node.negated.map((n) => `-${show(n)}`)].join(' & ')}]`;
  }
}

describe('parseQuery', () => {
  it('parses words, phrases, exclusions, OR, fields, prefix and fuzzy', () => {
    expect(show(parseQuery('peace talks'))).toBe('[peace & talks]');
    expect(show(parseQuery('"peace initiative" -Geneva'))).toBe('["peace initiative" & -Geneva]');
    expect(show(parseQuery('syria OR jordan kerry'))).toBe('[(syria | jordan) & kerry]');
    expect(show(parseQuery('title:peace body:"civil war"'))).toBe('[title:peace & body:"civil war"]');
    expect(show(parseQuery('negot* geneve~ kery~1'))).toBe('[negot* & geneve~2 & kery~1]');
    expect(show(parseQuery('title:(peace OR war)'))).toBe('[[(title:peace | title:war)]]');
    expect(show(parseQuery('peace AND talks'))).toBe('[peace & talks]');
  });

  it('keeps offsets of words', () => {
    const root = parseQuery('  title:Geneva');
    expect(root?.kind).toBe('and');
    const term = root?.kind === 'and' ? root.children[0] : undefined;
    expect(term).toMatchObject({ kind: 'term', text: 'Geneva', start: 8, end: 14 });
  });

  it('treats a hyphen inside a word as part of it, not an exclusion', () => {
    expect(show(parseQuery('US-Russia'))).toBe('[US-Russia]');
  });

  it('returns null for an empty query', () => {
    expect(parseQuery('   ')).toBeNull();
  });

  it('reports syntax errors with their position', () => {
    expect(fail('peace "initiative')).toMatchObject({ code: 'unterminated_phrase', position: 6 });
    expect(fail('(peace talks')).toMatchObject({ code: 'unbalanced_parenthesis', position: 0 });
    expect(fail('peace)')).toMatchObject({ code: 'unbalanced_parenthesis', position: 5 });
    expect(fail('peace OR')).toMatchObject({ code: 'dangling_operator', position: 6 });
    expect(fail('OR peace')).toMatchObject({ code: 'dangling_operator', position: 0 });
    expect(fail('title: peace')).toMatchObject({ code: 'empty_field', position: 0 });
    expect(fail('peace OR -war')).toMatchObject({ code: 'misplaced_exclusion', position: 9 });
    expect(fail('-war')).toMatchObject({ code: 'only_exclusions' });
    expect(fail('()')).toMatchObject({ code: 'empty_group', position: 0 });
  });

  it('enforces the parse-time guards', () => {
    expect(fail('ge*')).toMatchObject({ code: 'prefix_too_short', position: 0 });
    expect(fail('a*')).toMatchObject({ code: 'prefix_too_short' });
    expect(fail('geneva~3')).toMatchObject({ code: 'fuzzy_too_large', position: 6 });
    expect(fail('geneva~6')).toMatchObject({ code: 'fuzzy_too_large' });
    expect(fail('x'.repeat(65))).toMatchObject({ code: 'term_too_long' });
    expect(fail('a '.repeat(MAX_QUERY_LENGTH))).toMatchObject({ code: 'query_too_long' });
    expect(fail('((((( a )))))')).toMatchObject({ code: 'nesting_too_deep' });
  });

  it('natural mode treats everything as optional words', () => {
    expect(show(parseQuery('what is "the" (slip) -dash effect?', 'natural'))).toBe(
      '(what | is | "the" | (slip) | -dash | effect?)',
    );
  });
});
