import {
  type FacetBucket,
  type Facets,
  MAX_LIMIT,
  MAX_UNRENDERED_LIMIT,
  type Searcher,
  type SearchHit,
  type SearchRequest,
  SearchRequestError,
  type SearchResponse,
} from '@archive/search';
import type { StorySummary } from './stories';

/**
 * How many of the best-ranked hits `collapse=story` reads to group them by story. Story counts
 * (`stories.total`, each facet bucket's `stories`) are exact when the result set is at most this
 * big, and counted over these hits otherwise (`stories.exact: false`); article counts are always
 * exact (the engine's own `total` and facets).
 */
export const COLLAPSE_WINDOW = 500;

export interface StoryOfHit {
  id: string;
  /** Live articles in the story (all of them, matching or not, when the story table is at hand). */
  size: number;
  sources: string[];
  /** Publication time of the story's earliest dispatch. */
  firstSeen: string;
  /** Members of the story among the hits read. */
  matched: number;
}

export interface CollapsedResponse extends Omit<SearchResponse, 'results' | 'facets'> {
  collapse: 'story';
  results: (SearchHit & { story: StoryOfHit })[];
  stories: { total: number; exact: boolean };
  facets: Record<keyof Facets, (FacetBucket & { stories: number })[]>;
}

interface Group {
  best: SearchHit;
  members: SearchHit[];
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ story: offset })).toString('base64url');
}

function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { story?: unknown };
    if (typeof state.story === 'number' && Number.isInteger(state.story) && state.story >= 0)
      return state.story;
  } catch {}
  throw new SearchRequestError('invalid_cursor', 'cursor is not one this API issued for collapse=story');
}

const facetValue: Record<keyof Facets, (hit: SearchHit) => string | null> = {
  month: (hit) => hit.publishedAt.slice(0, 7),
  place: (hit) => hit.place,
  source: (hit) => hit.source,
  language: (hit) => hit.language,
};

/**
 * `GET /search?collapse=story`: one hit per story (its best-ranked member), in the order of the
 * request's sort; pages by story with an offset cursor. `describe` gives each story's size,
 * sources and first-seen time from the story table; without it (the search function on AWS) they
 * are those of the story's members among the hits read.
 */
export async function collapsedSearch(
  index: Searcher,
  request: SearchRequest,
  describe?: (storyIds: readonly string[]) => Promise<Map<string, StorySummary>>,
): Promise<CollapsedResponse> {
  const started = performance.now();
  const offset = decodeOffset(request.cursor);
  const limit = request.limit ?? 20;
  const groups = new Map<string, Group>();
  // The ids of the window's hits in the request's order.
  const order: string[] = [];
  let first: SearchResponse | null = null;
  let cursor: string | undefined;
  let read = 0;
  let exhausted = false;
  while (read < COLLAPSE_WINDOW) {
    // The hits are read to be grouped and counted: only the page's are shown, so only they are
    // rendered with snippets (below), and without them the window is one read. The histogram is
    // the first read's (it covers all hits).
    const page = await index.query({
      ...request,
      cursor,
      limit: Math.min(MAX_UNRENDERED_LIMIT, COLLAPSE_WINDOW - read),
      snippets: false,
      histogram: first ? undefined : request.histogram,
    });
    first ??= page;
    for (const hit of page.results) order.push(hit.id);
    for (const hit of page.results) {
      const group = groups.get(hit.storyId);
      if (group) group.members.push(hit);
      else groups.set(hit.storyId, { best: hit, members: [hit] });
    }
    read += page.results.length;
    if (!page.nextCursor || page.results.length === 0) {
      exhausted = true;
      break;
    }
    cursor = page.nextCursor;
  }
  const response = first as SearchResponse;
  const ordered = [...groups.values()];
  const pageGroups = ordered.slice(offset, offset + limit);
  const [summaries, shown] = await Promise.all([
    describe ? describe(pageGroups.map((g) => g.best.storyId)) : new Map<string, StorySummary>(),
    withSnippets(index, request, order, new Set(pageGroups.map((g) => g.best.id))),
  ]);
  const facets = {} as CollapsedResponse['facets'];
  for (const dimension of Object.keys(facetValue) as (keyof Facets)[]) {
    const storiesByValue = new Map<string, Set<string>>();
    for (const group of ordered) {
      for (const member of group.members) {
        const value = facetValue[dimension](member);
        if (value === null) continue;
        let set = storiesByValue.get(value);
        if (!set) {
          set = new Set();
          storiesByValue.set(value, set);
        }
        set.add(member.storyId);
      }
    }
    facets[dimension] = response.facets[dimension].map((bucket) => ({
      ...bucket,
      stories: storiesByValue.get(bucket.value)?.size ?? 0,
    }));
  }
  return {
    ...response,
    // The echo is of the window's read (no snippets, 500 hits); the request's page size is this.
    query: { ...response.query, limit },
    collapse: 'story',
    results: pageGroups.map(({ best: read, members }) => {
      const best = shown.get(read.id) ?? read;
      const summary = summaries.get(best.storyId);
      // ISO instants in UTC compare as strings.
      const firstSeen = members.map((m) => m.publishedAt).sort()[0] ?? best.publishedAt;
      return {
        ...best,
        story: {
          id: best.storyId,
          size: summary?.size ?? members.length,
          sources:
            summary?.sources ??
            [...new Set(members.map((m) => m.source).filter((s): s is string => !!s))].sort(),
          firstSeen: summary?.firstSeen ?? firstSeen,
          matched: members.length,
        },
      };
    }),
    stories: { total: groups.size, exact: exhausted },
    facets,
    nextCursor: offset + limit < ordered.length ? encodeOffset(offset + limit) : null,
    tookMs: Math.round((performance.now() - started) * 100) / 100,
  };
}

/**
 * The page's hits as a plain search shows them (highlighted title, snippet), read again: the same
 * request in the same order gives the same hits, so a read without snippets as far as the first of
 * them gives the cursor, and reads with snippets from there reach the last. For the first page of
 * stories that renders about `limit` hits instead of the whole window.
 */
async function withSnippets(
  index: Searcher,
  request: SearchRequest,
  order: readonly string[],
  wanted: ReadonlySet<string>,
): Promise<Map<string, SearchHit>> {
  const shown = new Map<string, SearchHit>();
  const firstAt = order.findIndex((id) => wanted.has(id));
  const lastAt = order.findLastIndex((id) => wanted.has(id));
  if (firstAt < 0) return shown;
  const plain = { ...request, histogram: undefined };
  let cursor: string | undefined;
  if (firstAt > 0) {
    const skipped = await index.query({ ...plain, cursor: undefined, limit: firstAt, snippets: false });
    if (!skipped.nextCursor) return shown;
    cursor = skipped.nextCursor;
  }
  for (let at = firstAt; at <= lastAt; ) {
    const page = await index.query({ ...plain, cursor, limit: Math.min(MAX_LIMIT, lastAt - at + 1) });
    for (const hit of page.results) if (wanted.has(hit.id)) shown.set(hit.id, hit);
    at += page.results.length;
    if (!page.nextCursor || page.results.length === 0) break;
    cursor = page.nextCursor;
  }
  return shown;
}
