import { type Article, diffSentences, sentences } from '@archive/core';
import type { ArticleRepository, StoryStore } from '@archive/store';
import type { Hono } from 'hono';
import { articleSummary } from '../article-summary';
import { ApiError } from '../errors';

export interface StoryRouteDeps {
  stories: StoryStore;
  repository: Pick<ArticleRepository, 'getMany'>;
}

/** What a story is: its live members and the facts `collapse=story` reports. */
export interface StorySummary {
  id: string;
  size: number;
  sources: string[];
  firstSeen: string;
  lastSeen: string;
}

export interface StoryMemberView {
  id: string;
  title: string;
  publishedAt: string;
  place: string | null;
  source: string | null;
  url: string | null;
  version: number;
  /** Sentences added and removed since the previous member (null for the first). */
  changes: { added: string[]; removed: string[] } | null;
}

const MAX_ID_LENGTH = 256;

function summaryOf(id: string, members: readonly Article[]): StorySummary {
  const sources = [...new Set(members.map((m) => m.source).filter((s): s is string => s !== null))].sort();
  return {
    id,
    size: members.length,
    sources,
    firstSeen: members[0]?.publishedAt ?? '',
    lastSeen: members.at(-1)?.publishedAt ?? '',
  };
}

/** Live members of a story, oldest first (by publication, then id). */
export async function storyMembers(deps: StoryRouteDeps, storyId: string): Promise<Article[]> {
  const listed = await deps.stories.members(storyId);
  // The story's first article has no membership item: its id is the story's.
  const articles = await deps.repository.getMany([storyId, ...listed.map((m) => m.articleId)]);
  return articles
    .filter((a) => (a.storyId ?? a.id) === storyId)
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id));
}

/**
 * Summaries of stories by id (collapse=story); stories with no live member are left out. The
 * stories' memberships are listed in parallel and their articles read in one batch (a page of
 * results describes ten stories: one article read instead of ten).
 */
export async function describeStories(
  deps: StoryRouteDeps,
  storyIds: readonly string[],
): Promise<Map<string, StorySummary>> {
  const wanted = [...new Set(storyIds)];
  const listed = await Promise.all(wanted.map((id) => deps.stories.members(id)));
  // A story's first article has no membership item: its id is the story's.
  const articleIds = new Set(wanted.flatMap((id, n) => [id, ...(listed[n] ?? []).map((m) => m.articleId)]));
  const byStory = new Map<string, Article[]>();
  for (const article of await deps.repository.getMany([...articleIds])) {
    const storyId = article.storyId ?? article.id;
    byStory.set(storyId, [...(byStory.get(storyId) ?? []), article]);
  }
  const summaries = new Map<string, StorySummary>();
  for (const id of wanted) {
    const members = (byStory.get(id) ?? []).sort(
      (a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id),
    );
    if (members.length > 0) summaries.set(id, summaryOf(id, members));
  }
  return summaries;
}

/**
 * `GET /stories/{id}`: a story's members oldest first, each with the sentences added and removed
 * since the one before (what a correction fixed, what a new lead brought).
 */
export function registerStoryRoutes(app: Hono, deps: StoryRouteDeps): void {
  app.get('/stories/:id', async (c) => {
    const id = c.req.param('id');
    if (id.length > MAX_ID_LENGTH) {
      throw new ApiError(400, 'invalid_id', `a story id is at most ${MAX_ID_LENGTH} characters`);
    }
    const members = await storyMembers(deps, id);
    if (members.length === 0) throw new ApiError(404, 'not_found', `no story ${id}`);
    let previous: string[] | null = null;
    const views: StoryMemberView[] = members.map((article) => {
      const current = sentences([article.title, article.caption ?? '', ...article.paragraphs]);
      const changes = previous ? diffSentences(previous, current) : null;
      previous = current;
      return { ...articleSummary(article), version: article.version, changes };
    });
    return c.json({ ...summaryOf(id, members), members: views });
  });
}
