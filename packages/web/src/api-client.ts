import type { Article } from '@archive/core';
import { type SearchState, toParams } from './search-state';

/**
 * The page is a client of the public HTTP API, like any other: it asks `GET /search`,
 * `GET /articles/{id}`, `GET /articles/{id}/similar` and `GET /stories/{id}` and renders their JSON. On one machine and
 * in the search function those requests go to the same app in process (`app.request`), so no
 * network hop is added; the page sees exactly what an API user sees, errors included.
 */
export type ApiFetch = (path: string) => Promise<Response>;

/** The parts of `GET /search`'s answer the page reads. */
export interface SearchAnswer {
  /** Articles matched (exact), grouped or not. */
  total: number;
  /** With `collapse=story`: stories among the matches (exact, or counted over the best hits). */
  stories?: { total: number; exact: boolean };
  results: SearchResult[];
  facets: Record<'place' | 'source' | 'language' | 'month', { value: string; count: number }[] | undefined>;
  nextCursor: string | null;
  tookMs: number;
  didYouMean?: string;
  /** Words of the query no result was required to contain (the search-quality issue); may be absent. */
  missing?: string[];
  histogram?: {
    interval: 'day' | 'week' | 'month' | 'year';
    timeZone: string;
    buckets: { start: string; end: string; count: number }[];
  };
}

export interface SearchResult {
  id: string;
  title: string;
  titleHighlighted: string;
  publishedAt: string;
  localTime?: string;
  place: string | null;
  source?: string | null;
  snippet: string;
  /** With `collapse=story`: the story this hit stands for. */
  story?: StoryOfResult;
}

export interface StoryOfResult {
  id: string;
  /** Live articles in the story. */
  size: number;
  sources: string[];
  firstSeen: string;
  /** Members of the story among the matches read. */
  matched: number;
}

/** `GET /stories/{id}`: the story's members oldest first, with what changed since the one before. */
export interface StoryAnswer {
  id: string;
  size: number;
  sources: string[];
  firstSeen: string;
  lastSeen: string;
  members: StoryMember[];
}

export interface StoryMember {
  id: string;
  title: string;
  publishedAt: string;
  place: string | null;
  source: string | null;
  url: string | null;
  version: number;
  changes: { added: string[]; removed: string[] } | null;
}

/** `GET /articles/{id}`: the article model itself (the API returns it as stored). */
export type ArticleAnswer = Article;

export interface ApiFailure {
  status: number;
  code: string;
  message: string;
}

export type Answer<T> = { ok: true; body: T } | { ok: false; error: ApiFailure };

/** Results per page of the reader's page. */
export const PAGE_SIZE = 10;

async function ask<T>(api: ApiFetch, path: string): Promise<Answer<T>> {
  const response = await api(path);
  const body = (await response.json().catch(() => null)) as
    | (T & { error?: { code?: string; message?: string } })
    | null;
  if (response.ok && body) return { ok: true, body };
  return {
    ok: false,
    error: {
      status: response.status,
      code: body?.error?.code ?? 'unavailable',
      message: body?.error?.message ?? `the archive answered ${response.status}`,
    },
  };
}

/** One page of results with facets and the coverage timeline; one result per story unless `stories=all`. */
export function searchArchive(api: ApiFetch, state: SearchState): Promise<Answer<SearchAnswer>> {
  const params = toParams(state);
  if (state.stories !== 'all') params.set('collapse', 'story');
  params.set('limit', String(PAGE_SIZE));
  params.set('histogram', 'auto');
  return ask(api, `/search?${params}`);
}

export function getArticle(api: ApiFetch, id: string): Promise<Answer<ArticleAnswer>> {
  return ask(api, `/articles/${encodeURIComponent(id)}`);
}

export function getStory(api: ApiFetch, id: string): Promise<Answer<StoryAnswer>> {
  return ask(api, `/stories/${encodeURIComponent(id)}`);
}

/** Related coverage; an empty list when the API has no `/similar` route (yet) or it fails. */
export async function relatedCoverage(api: ApiFetch, id: string): Promise<SearchResult[]> {
  const answer = await ask<{ results?: SearchResult[] }>(
    api,
    `/articles/${encodeURIComponent(id)}/similar?limit=5`,
  );
  return answer.ok ? (answer.body.results ?? []) : [];
}
