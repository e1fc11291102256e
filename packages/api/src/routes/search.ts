import type { Searcher, SearchRequest } from '@archive/search';
import {
  DEFAULT_LIMIT,
  DEFAULT_SUGGEST_LIMIT,
  MAX_LIMIT,
  MAX_QUERY_PARAMETER_LENGTH,
  MAX_SUGGEST_LIMIT,
  QueryError,
  SearchRequestError,
} from '@archive/search';
import type { Context, Hono } from 'hono';
import * as z from 'zod';
import { ApiError } from '../errors';
import { parseParams } from '../query';
import { collapsedSearch } from './collapse';
import type { StorySummary } from './stories';

/** Longest accepted value of a filter parameter and of a cursor. */
const MAX_FILTER_LENGTH = 200;
const MAX_CURSOR_LENGTH = 1000;
const MAX_TAGS = 10;

const text = (max: number) => z.string().max(max).optional();
const positiveInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback)
    .describe(`${min} to ${max}, default ${fallback}`);

/** `GET /search` query parameters (the query text itself is checked by the engine's parser). */
export const SearchParams = z.object({
  q: z.string().max(MAX_QUERY_PARAMETER_LENGTH).optional(),
  mode: z.enum(['auto', 'all', 'natural']).optional(),
  strict: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
  from: text(40),
  to: text(40),
  place: text(MAX_FILTER_LENGTH),
  source: text(MAX_FILTER_LENGTH),
  language: text(35),
  tag: z.array(z.string().max(MAX_FILTER_LENGTH)).max(MAX_TAGS).optional(),
  sort: z.enum(['relevance', 'newest', 'oldest']).optional(),
  limit: positiveInt(1, MAX_LIMIT, DEFAULT_LIMIT),
  cursor: text(MAX_CURSOR_LENGTH),
  /** `story`: one hit per story (collapse.ts). */
  collapse: z.enum(['story'], { error: 'must be story' }).optional(),
  histogram: z.enum(['day', 'week', 'month', 'year', 'auto']).optional(),
  tz: text(64),
});

export const SuggestParams = z.object({
  q: z
    .string()
    .optional()
    .transform((v) => v ?? ''),
  limit: positiveInt(1, MAX_SUGGEST_LIMIT, DEFAULT_SUGGEST_LIMIT),
});

export type SearchParamValues = z.output<typeof SearchParams>;

/** The engine's request for checked `/search` parameters (feeds and exports take the same ones). */
export function toSearchRequest(p: SearchParamValues): SearchRequest {
  return {
    q: p.q,
    mode: p.mode,
    strict: p.strict,
    from: p.from,
    to: p.to,
    place: p.place,
    source: p.source,
    language: p.language,
    tags: p.tag,
    sort: p.sort,
    limit: p.limit,
    cursor: p.cursor,
    histogram: p.histogram,
    tz: p.tz,
  };
}

export interface SearchRoutesOptions {
  /** Path prefix, e.g. `/v1`; default none. */
  prefix?: string;
  /** Story sizes, sources and first-seen times for `collapse=story` (the story table). */
  describeStories?: (storyIds: readonly string[]) => Promise<Map<string, StorySummary>>;
}

/** Query parameters as an object; repeatable `tag` as an array. */
export function rawParams(c: Context): Record<string, unknown> {
  const params: Record<string, unknown> = { ...c.req.query() };
  const tags = c.req.queries('tag');
  if (tags) params.tag = tags;
  else delete params.tag;
  return params;
}

/**
 * The engine's refusals as API errors: a query the language cannot read is `invalid_query`
 * (`details.reason`, `details.position`); a bad filter value or cursor carries the engine's own code
 * (`invalid_date`, `invalid_cursor`, ...). Anything else is a bug and propagates (500).
 */
export function engineError(error: unknown): unknown {
  if (error instanceof QueryError) {
    return new ApiError(400, 'invalid_query', error.message, {
      reason: error.code,
      position: error.position,
    });
  }
  if (error instanceof SearchRequestError) return new ApiError(400, error.code, error.message, error.details);
  return error;
}

/**
 * Adds `GET /search` and `GET /suggest` to an app. `getIndex` returns the current index (the
 * life-cycle code swaps it atomically when a newer snapshot is loaded).
 */
export function registerSearchRoutes(
  app: Hono,
  getIndex: () => Searcher | Promise<Searcher>,
  options: SearchRoutesOptions = {},
): void {
  const prefix = options.prefix ?? '';

  app.get(`${prefix}/search`, async (c) => {
    const p = parseParams(SearchParams, rawParams(c));
    const index = await getIndex();
    try {
      if (p.collapse === 'story') {
        return c.json(await collapsedSearch(index, toSearchRequest(p), options.describeStories));
      }
      return c.json(await index.query(toSearchRequest(p)));
    } catch (error) {
      throw engineError(error);
    }
  });

  app.get(`${prefix}/suggest`, async (c) => {
    const { q, limit } = parseParams(SuggestParams, rawParams(c));
    const index = await getIndex();
    try {
      return c.json(await index.suggest(q, limit));
    } catch (error) {
      throw engineError(error);
    }
  });
}
