/**
 * What a reader's search page shows, as it lives in the URL: the query, the refinements, the sort
 * and the page (cursor). Shared by the server (rendering) and the browser script (live updates), so
 * both build the same URLs. Pure: no DOM, no Node.
 */

export const FACETS = ['place', 'source', 'language'] as const;
export type FacetName = (typeof FACETS)[number];
export const SORTS = ['relevance', 'newest', 'oldest'] as const;
export type PageSort = (typeof SORTS)[number];

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
}

const KEYS = ['q', 'place', 'source', 'language', 'from', 'to', 'sort', 'cursor'] as const;
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
  };
}

/** The page URL of a state (`/?q=…`), parameters in a fixed order, empty ones left out. */
export function pageHref(state: SearchState): string {
  const query = toParams(state).toString();
  return query ? `/?${query}` : '/';
}

/** The same state as `GET /search` parameters (the page asks the API exactly what the URL says). */
export function toParams(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = state[key];
    if (value !== '') params.set(key, value);
  }
  return params;
}

/** A change of refinement starts again from the first page. */
export function withChange(state: SearchState, change: Partial<SearchState>): SearchState {
  return { ...state, cursor: '', ...change };
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
