import type { Hono } from 'hono';
import type { ArticleRepository } from '../../../store/src/article-repository';

export interface HealthDeps {
  /** Counts live articles when the app has a store. */
  repository?: ArticleRepository;
  /** Extra fields (e.g. the search index's version and lag). */
  extra?: () => Promise<Record<string, unknown>>;
  logError: (message: string, error: unknown) => void;
}

/** `GET /health`: `{status: "ok", articles, ...extra}`, or 503 `{status: "error"}` when a part is down. */
export function registerHealthRoute(app: Hono, deps: HealthDeps): void {
  app.get('/health', async (c) => {
    try {
      const [articles, extra] = await Promise.all([
        deps.repository ? deps.repository.count() : Promise.resolve(undefined),
        deps.extra ? deps.extra() : Promise.resolve({}),
      ]);
      return c.json({ status: 'ok', ...(articles === undefined ? {} : { articles }), ...extra });
    } catch (error) {
      deps.logError('health check failed', error);
      return c.json(
        { status: 'error', error: { code: 'unavailable', message: 'a dependency is unavailable' } },
        503,
      );
    }
  });
}
