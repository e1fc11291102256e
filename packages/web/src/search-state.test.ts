import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activeRefinements,
  pageHref,
  type SearchState,
  stateFromParams,
  toggleFacet,
  toParams,
  withChange,
  withStories,
} from './search-state';
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
  stories: fc.constantFrom('', 'all'),
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

  it('groups by story unless the URL says stories=all, and keeps the view across changes', () => {
    expect(stateFromParams(new URLSearchParams('q=oil')).stories).toBe('');
    expect(stateFromParams(new URLSearchParams('q=oil&stories=some')).stories).toBe('');
    const every = stateFromParams(new URLSearchParams('q=oil&stories=all&cursor=abc'));
    expect(every.stories).toBe('all');
    expect(pageHref(toggleFacet(every, 'source', 'AP'))).toBe('/?q=oil&source=AP&stories=all');
    expect(pageHref(withChange(every, { q: 'gas' }))).toBe('/?q=gas&stories=all');
    // Switching view starts from the first page: a grouped cursor is not an article cursor.
    expect(pageHref(withStories(every, ''))).toBe('/?q=oil');
    expect(pageHref(withStories(stateFromParams(new URLSearchParams('q=oil')), 'all'))).toBe(
      '/?q=oil&stories=all',
    );
  });

  it("asks the API only what the API reads (the view is the page's to translate)", () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(toParams(s).has('stories')).toBe(false);
      }),
    );
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
