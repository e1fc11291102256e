import type { ArticleRepository } from '@archive/store';
import type { Hono } from 'hono';

export interface HealthDeps {
  /** Counts live articles when the app has a store. */
  repository?: ArticleRepository;
  /** Extra fields (e.g. the search index's version and lag). */
  extra?: () => Promise<Record<string, unknown>>;
  logError: (message: string, error: unknown) => void;
  /** How long a count is reused (default 5 s): counting scans the date index, too costly per probe. */
  countTtlMs?: number;
}

/** `GET /health`: `{status: "ok" | "degraded", articles, quarantined?, ...extra}`, or 503 `{status: "error"}` when a part is down. */
export function registerHealthRoute(app: Hono, deps: HealthDeps): void {
  const count = deps.repository
    ? cached(() => (deps.repository as ArticleRepository).count(), deps.countTtlMs ?? 5000)
    : null;
  app.get('/health', async (c) => {
    try {
      const [articles, extra] = await Promise.all([
        count ? count() : Promise.resolve(undefined),
        deps.extra ? deps.extra() : Promise.resolve({}),
      ]);
      // Quarantined items (stored but unreadable) make the archive degraded, not down: every other
      // article is served, and `archive quarantine` lists and repairs them.
      const quarantined = deps.repository?.quarantined() ?? [];
      return c.json({
        status: quarantined.length > 0 ? 'degraded' : 'ok',
        ...(articles === undefined ? {} : { articles }),
        ...(quarantined.length > 0
          ? { quarantined: { count: quarantined.length, ids: quarantined.slice(0, 20).map((q) => q.id) } }
          : {}),
        ...extra,
      });
    } catch (error) {
      deps.logError('health check failed', error);
      return c.json(
        { status: 'error', error: { code: 'unavailable', message: 'a dependency is unavailable' } },
        503,
      );
    }
  });
}

/** Reuses a value for `ttlMs` and shares one computation among concurrent callers. */
function cached<T>(compute: () => Promise<T>, ttlMs: number): () => Promise<T> {
  let value: { promise: Promise<T>; at: number } | null = null;
  return () => {
    const now = Date.now();
    if (!value || now - value.at > ttlMs) {
      const promise = compute();
      value = { promise, at: now };
      // A failure is not cached: the next probe tries again.
      promise.catch(() => {
        if (value?.promise === promise) value = null;
      });
    }
    return value.promise;
  };
}
