import type { Searcher } from '@archive/search';
import { type ArticleRepository, isTransientStoreError, RETRY_AFTER_SECONDS } from '@archive/store';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Authorize } from './auth';
import { ApiError } from './errors';
import { type AlertRouteDeps, registerAlertRoutes } from './routes/alerts';
import { type ArticleRouteDeps, registerArticleRoutes } from './routes/articles';
import { type IngestRouteDeps, registerDispatchRoutes } from './routes/dispatches';
import { type ExportRoutesOptions, registerExportRoutes } from './routes/export';
import { type ArticleLoader, registerFeedRoutes } from './routes/feeds';
import { registerHealthRoute } from './routes/health';
import { registerSearchRoutes, type SearchRoutesOptions } from './routes/search';
import { type GetArticle, registerSimilarRoute } from './routes/similar';
import { registerStoryRoutes, type StoryRouteDeps } from './routes/stories';

export interface Logger {
  error(message: string, ...details: unknown[]): void;
}

/** What the search routes (`/search`, `/suggest`, the feeds and `/export`) read. */
export interface SearchDeps {
  /** The index served now (the loader swaps it atomically when a newer snapshot is loaded). */
  getIndex: () => Searcher | Promise<Searcher>;
  /** Full articles for feeds and exports; without it they carry what the index holds (the snippet). */
  loadArticles?: ArticleLoader;
  /** Story sizes, sources and first-seen times for `collapse=story` (the story table). */
  describeStories?: SearchRoutesOptions['describeStories'];
  /** The article itself for `GET /articles/{id}/similar` (its words are the query); no route without it. */
  getArticle?: GetArticle;
  /** Limits of `/export` (rows, concurrent exports) and where its failures are logged. */
  exports?: Omit<ExportRoutesOptions, 'getIndex' | 'loadArticles'>;
}

/**
 * What an app serves. Every route group is optional so each Lambda serves only its routes
 * (ingest: `POST /dispatches`; articles: `GET|DELETE /articles/:id` and `GET /health`; search:
 * `/search`, `/suggest`, `/articles/:id/similar`, feeds, `/export` and `GET /health`) and the local
 * runtime serves them all.
 */
export interface AppDeps {
  ingest?: IngestRouteDeps;
  articles?: ArticleRouteDeps;
  search?: SearchDeps;
  /** `GET /stories/{id}`. */
  stories?: StoryRouteDeps;
  /** `POST|GET /alerts`, `GET|DELETE /alerts/{id}` (standing searches). */
  alerts?: AlertRouteDeps;
  /** Checks write keys. Without it every write is refused (401): the app fails closed. */
  authorize?: Authorize;
  /** Mounts more routes (the reader's pages plug in here). */
  extraRoutes?: (app: Hono) => void;
  /** Serve `GET /health`; defaults to true when the app has a store or a `health` function. */
  healthRoute?: boolean;
  /** Extra `GET /health` fields. */
  health?: () => Promise<Record<string, unknown>>;
  /** How long `GET /health` reuses an article count (default 5000 ms; 0 counts on every probe). */
  healthCountTtlMs?: number;
  logger?: Logger;
}

/** Builds the HTTP app (hono); the same app runs under `@hono/node-server` and `hono/aws-lambda`. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const logger: Logger = deps.logger ?? console;

  if (deps.ingest) registerDispatchRoutes(app, deps.ingest, deps.authorize);
  if (deps.articles) registerArticleRoutes(app, deps.articles, deps.authorize);
  if (deps.search) {
    const { getIndex, loadArticles, exports } = deps.search;
    registerSearchRoutes(app, getIndex, { describeStories: deps.search.describeStories });
    if (deps.search.getArticle) registerSimilarRoute(app, getIndex, deps.search.getArticle);
    registerFeedRoutes(app, { getIndex, loadArticles });
    registerExportRoutes(app, { ...exports, getIndex, loadArticles });
  }
  if (deps.stories) registerStoryRoutes(app, deps.stories);
  if (deps.alerts) registerAlertRoutes(app, deps.alerts, deps.authorize);
  deps.extraRoutes?.(app);

  const repository: ArticleRepository | undefined = deps.articles?.repository ?? deps.ingest?.repository;
  if (deps.healthRoute ?? (repository !== undefined || deps.health !== undefined)) {
    registerHealthRoute(app, {
      repository,
      extra: deps.health,
      countTtlMs: deps.healthCountTtlMs,
      logError: (message, error) => logger.error(message, error),
    });
  }

  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(
        { error: { code: 'bad_request', message: error.message || 'bad request' } },
        error.status,
      );
    }
    if (isTransientStoreError(error)) {
      logger.error('store unavailable after retries', error);
      return c.json(
        { error: { code: 'unavailable', message: 'the store is busy or unreachable; retry shortly' } },
        503,
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
    logger.error('unhandled error', error);
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });

  return app;
}
