import type { Article } from '@archive/core';

/** The fields that name and place an article, wherever one is listed (a story's members, an alert's match). */
export type ArticleSummary = Pick<Article, 'id' | 'title' | 'publishedAt' | 'place' | 'source' | 'url'>;

export function articleSummary(article: Article): ArticleSummary {
  const { id, title, publishedAt, place, source, url } = article;
  return { id, title, publishedAt, place, source, url };
}
