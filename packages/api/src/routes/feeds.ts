import { createHash } from 'node:crypto';
import type { Article } from '@archive/core';
import type { Searcher, SearchHit } from '@archive/search';
import { Feed } from 'feed';
import type { Context, Hono } from 'hono';
import { parseParams } from '../query';
import { engineError, rawParams, SearchParams, toSearchRequest } from './search';

/** Reads full articles by id (the store); feeds without it carry the search snippet only. */
export type ArticleLoader = (ids: readonly string[]) => Promise<Article[]>;

export interface FeedRoutesOptions {
  getIndex: () => Searcher | Promise<Searcher>;
  /** Full text, source and link of each entry; without it entries carry the snippet. */
  loadArticles?: ArticleLoader;
  /** Feed title (default "Dispatch archive"). */
  title?: string;
}

const FORMATS = {
  atom: { type: 'application/atom+xml; charset=utf-8', render: (feed: Feed) => feed.atom1() },
  rss: { type: 'application/rss+xml; charset=utf-8', render: (feed: Feed) => feed.rss2() },
  json: { type: 'application/feed+json; charset=utf-8', render: (feed: Feed) => feed.json1() },
} as const;

type FeedFormat = keyof typeof FORMATS;

/** Default number of entries; `limit` (1-50, as on `/search`) changes it. */
export const DEFAULT_FEED_ENTRIES = 20;

/** Public URL of the request (behind API Gateway the Host header is the API's). */
function origin(c: Context): string {
  return new URL(c.req.url).origin;
}

/** The feed's own URL for a format, keeping the request's parameters (and nothing else). */
function feedUrl(c: Context, format: FeedFormat): string {
  const url = new URL(c.req.url);
  url.pathname = url.pathname.replace(/\/feed\.(atom|rss|json)$/, `/feed.${format}`);
  return url.toString();
}

function plainText(snippet: string): string {
  return snippet
    .replace(/<\/?mark>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function describeQuery(p: {
  q?: string | undefined;
  place?: string | undefined;
  source?: string | undefined;
}) {
  const parts = [
    p.q ? `“${p.q}”` : null,
    p.place ? `in ${p.place}` : null,
    p.source ? `from ${p.source}` : null,
  ];
  return parts.filter(Boolean).join(' ') || 'latest dispatches';
}

/**
 * Builds a feed of the hits, newest first. Dates come from the articles (publication time, and the
 * time of their last change when loaded), never from the clock, so the same results always give
 * the same bytes: that is what makes the ETag a content hash and a 304 possible.
 */
function buildFeed(
  c: Context,
  format: FeedFormat,
  hits: readonly SearchHit[],
  articles: ReadonlyMap<string, Article>,
  title: string,
  description: string,
): { feed: Feed; lastModified: Date } {
  const base = origin(c);
  const entries = hits.map((hit) => {
    const article = articles.get(hit.id);
    const published = new Date(hit.publishedAt);
    const updated = article ? new Date(article.updatedAt) : published;
    return { hit, article, published, updated };
  });
  const lastModified = new Date(Math.max(0, ...entries.map((e) => e.updated.getTime())));
  const self = feedUrl(c, format);
  const feed = new Feed({
    id: self,
    title: `${title}: ${description}`,
    description: `Dispatches matching ${description}, newest first`,
    link: `${base}/search${new URL(c.req.url).search}`,
    updated: lastModified,
    generator: 'dispatch-archive',
    language: 'en',
    copyright: `${title} and the dispatches' sources`,
    feedLinks: { atom: feedUrl(c, 'atom'), rss: feedUrl(c, 'rss'), json: feedUrl(c, 'json') },
  });
  for (const { hit, article, published, updated } of entries) {
    const apiLink = `${base}/articles/${encodeURIComponent(hit.id)}`;
    const summary = plainText(hit.snippet);
    feed.addItem({
      id: apiLink,
      guid: apiLink,
      title: hit.title,
      link: article?.url ?? apiLink,
      date: updated,
      published,
      description: summary,
      ...(article
        ? {
            content: [article.caption, ...article.paragraphs]
              .filter((p): p is string => !!p)
              .map((p) => `<p>${escapeHtml(p)}</p>`)
              .join('\n'),
          }
        : {}),
      ...(article?.source ? { author: [{ name: article.source }] } : {}),
      ...(article && article.tags.length > 0 ? { category: article.tags.map((name) => ({ name })) } : {}),
    });
  }
  return { feed, lastModified };
}

/** Whether the client's copy is current: `If-None-Match` first (RFC 9110 §13.2.2), then `If-Modified-Since`. */
function notModified(c: Context, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === etag);
  }
  const ifModifiedSince = c.req.header('if-modified-since');
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds.
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * `GET /feed.atom`, `GET /feed.rss`, `GET /feed.json`: the newest hits of a search (the same
 * parameters as `/search`; `sort` is always newest first) as Atom 1.0, RSS 2.0 or JSON Feed 1.1,
 * with `ETag` and `Last-Modified` for conditional GETs (304 when nothing changed).
 */
export function registerFeedRoutes(app: Hono, options: FeedRoutesOptions): void {
  const title = options.title ?? 'Dispatch archive';
  for (const format of Object.keys(FORMATS) as FeedFormat[]) {
    app.get(`/feed.${format}`, async (c) => {
      const raw = rawParams(c);
      if (raw.limit === undefined) raw.limit = String(DEFAULT_FEED_ENTRIES);
      const params = parseParams(SearchParams, raw);
      const request = { ...toSearchRequest(params), sort: 'newest' as const, cursor: undefined };
      const index = await options.getIndex();
      let hits: SearchHit[];
      try {
        hits = (await index.query(request)).results;
      } catch (error) {
        throw engineError(error);
      }
      const loaded = options.loadArticles ? await options.loadArticles(hits.map((h) => h.id)) : [];
      const articles = new Map(loaded.map((a) => [a.id, a]));
      const { feed, lastModified } = buildFeed(c, format, hits, articles, title, describeQuery(params));
      const body = FORMATS[format].render(feed);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      c.header('ETag', etag);
      c.header('Last-Modified', lastModified.toUTCString());
      // Feed readers poll: let caches keep a copy briefly, then revalidate with the validators above.
      c.header('Cache-Control', 'public, max-age=60');
      if (notModified(c, etag, lastModified)) return c.body(null, 304);
      return c.body(body, 200, { 'Content-Type': FORMATS[format].type });
    });
  }
}
