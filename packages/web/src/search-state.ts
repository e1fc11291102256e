/**
 * What a reader's search page shows, as it lives in the URL: the query, the refinements, the sort
 * the page (cursor) and whether copies of a story are grouped. Shared by the server (rendering) and the browser script (live updates), so
 * both build the same URLs. Pure: no DOM, no Node.
 */

export const FACETS = ['place', 'source', 'language'] as const;
export type FacetName = (typeof FACETS)[number];
export const SORTS = ['relevance', 'newest', 'oldest'] as const;
export type PageSort = (typeof SORTS)[number];
/** `all`: every article; empty (the default): one result per story (`collapse=story`). */
export type StoriesView = '' | 'all';

export interface SearchState {
  q: string;
  place: string;
  source: string;
  language: string;
  from: string;
  to: string;
  /** Empty: the API's default (relevance with a query, newest without). */
  sort: PageSort | '';
  cursor: string;
  stories: StoriesView;
}

/** The state's keys the API reads as `GET /search` parameters, in URL order. */
const SEARCH_KEYS = ['q', 'place', 'source', 'language', 'from', 'to', 'sort', 'cursor'] as const;
/**
 * Keys of the page's own, not the API's: carried in the URL and in the search form (so a new query
 * keeps them), turned into API parameters by the page (api-client.ts).
 */
export const VIEW_KEYS = ['stories'] as const;
/** Longest value kept from a URL (the API refuses longer filters; a URL is not a place for essays). */
const MAX_VALUE = 1000;

/** The state a URL's query string describes; unknown parameters and bad sorts are dropped. */
export function stateFromParams(params: URLSearchParams): SearchState {
  const get = (key: string) => (params.get(key) ?? '').slice(0, MAX_VALUE);
  const sort = get('sort');
  return {
    q: get('q'),
    place: get('place'),
    source: get('source'),
    language: get('language'),
    from: get('from'),
    to: get('to'),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as PageSort) : '',
    cursor: get('cursor'),
    stories: get('stories') === 'all' ? 'all' : '',
  };
}

/** The page URL of a state (`/?q=…`), parameters in a fixed order, empty ones left out. */
export function pageHref(state: SearchState): string {
  const params = toParams(state);
  for (const key of VIEW_KEYS) if (state[key] !== '') params.set(key, state[key]);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

/**
 * The state's query and refinements as `GET /search` parameters (the page asks the API what the URL
 * says; the view keys are the page's to translate).
 */
export function toParams(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of SEARCH_KEYS) {
    const value = state[key];
    if (value !== '') params.set(key, value);
  }
  return params;
}

/**
 * A change of refinement starts again from the first page. The view (grouped or every article)
 * is kept: it is how the reader likes to read, not part of the search.
 */
export function withChange(state: SearchState, change: Partial<SearchState>): SearchState {
  return { ...state, cursor: '', ...change };
}

/** The same search grouped by story, or every article (from the first page: cursors differ). */
export function withStories(state: SearchState, stories: StoriesView): SearchState {
  return withChange(state, { stories });
}

/** Selecting a facet value, or unselecting it when it is the one selected. */
export function toggleFacet(state: SearchState, facet: FacetName, value: string): SearchState {
  return withChange(state, { [facet]: state[facet] === value ? '' : value });
}

/** The refinements in force, as removable chips: label, value and the state without it. */
export function activeRefinements(
  state: SearchState,
): { label: string; value: string; without: SearchState }[] {
  const chips: { label: string; value: string; without: SearchState }[] = [];
  for (const facet of FACETS) {
    if (state[facet]) {
      chips.push({
        label: FACET_LABELS[facet],
        value: state[facet],
        without: withChange(state, { [facet]: '' }),
      });
    }
  }
  if (state.from || state.to) {
    chips.push({
      label: 'Dates',
      value: `${state.from || '…'} to ${state.to || '…'}`,
      without: withChange(state, { from: '', to: '' }),
    });
  }
  return chips;
}

export const FACET_LABELS: Record<FacetName, string> = {
  place: 'Place',
  source: 'Source',
  language: 'Language',
};
