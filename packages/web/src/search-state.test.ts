import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeRefinements, pageHref, type SearchState, stateFromParams, toggleFacet } from './search-state';
import { markedHtml, safeHttpUrl } from './views/format';

const state = fc.record<SearchState>({
  q: fc.string(),
  place: fc.string(),
  source: fc.string(),
  language: fc.constantFrom('', 'en', 'fr'),
  from: fc.constantFrom('', '1987-03-01'),
  to: fc.constantFrom('', '1987-04-30'),
  sort: fc.constantFrom('', 'relevance', 'newest', 'oldest'),
  cursor: fc.string(),
});

describe('search state in the URL', () => {
  it('survives the round trip through a page URL', () => {
    fc.assert(
      fc.property(state, (s) => {
        const url = new URL(pageHref(s), 'http://archive.test');
        expect(stateFromParams(url.searchParams)).toEqual(s);
      }),
    );
  });

  it('toggles facets and starts again from the first page', () => {
    const s = stateFromParams(new URLSearchParams('q=oil&cursor=abc'));
    const picked = toggleFacet(s, 'place', 'Tokyo');
    expect(pageHref(picked)).toBe('/?q=oil&place=Tokyo');
    expect(pageHref(toggleFacet(picked, 'place', 'Tokyo'))).toBe('/?q=oil');
    expect(activeRefinements({ ...picked, from: '1987-03-01' }).map((c) => pageHref(c.without))).toEqual([
      '/?q=oil&from=1987-03-01',
      '/?q=oil&place=Tokyo',
    ]);
  });

  it('drops unknown sorts', () => {
    expect(stateFromParams(new URLSearchParams('sort=best')).sort).toBe('');
  });
});

describe('what the page writes into HTML', () => {
  it('keeps only <mark> from highlighted text', () => {
    expect(markedHtml('a <mark>b</mark> &lt;c&gt;')).toBe('a <mark>b</mark> &lt;c&gt;');
    expect(markedHtml('<script>x</script><mark onclick=y>')).toBe(
      '&lt;script>x&lt;/script>&lt;mark onclick=y>',
    );
  });

  it('links only http(s) URLs', () => {
    expect(safeHttpUrl('https://example.org/a')).toBe('https://example.org/a');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'not a url', null])
      expect(safeHttpUrl(bad)).toBeNull();
  });
});
