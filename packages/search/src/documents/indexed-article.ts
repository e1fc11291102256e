import type { Article } from '@archive/core';

export interface IndexedArticle {
  id: string;
  title: string;
  publishedAt: string;
  /** IANA zone of the dateline (null in snapshots written before it was kept). */
  timeZone: string | null;
  place: string | null;
  source: string | null;
  language: string;
  tags: string[];
  version: number;
  /** The article's story (its own id when it has none); `collapse=story` groups on it. */
  storyId: string;
  /** Text kept for snippets and phrase checks: caption first when present, then paragraphs. */
  body: string;
}

export interface SimpleHit {
  id: string;
  title: string;
  publishedAt: string;
  place: string | null;
  score: number;
}

/** An article with its publication instant, in date order (see {@link ArchiveIndex.byDate}). */
export interface DatedArticle {
  doc: IndexedArticle;
  time: number;
  shortId: number;
}

export function toIndexedArticle(article: Article): IndexedArticle {
  return {
    id: article.id,
    title: article.title,
    publishedAt: article.publishedAt,
    timeZone: article.timeZone,
    place: article.place,
    source: article.source,
    language: article.language,
    tags: article.tags,
    version: article.version,
    storyId: article.storyId ?? article.id,
    body: [article.caption, ...article.paragraphs].filter((p): p is string => !!p).join('\n\n'),
  };
}
