import type { ServerOptions } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { MemoryStore } from 'hono-rate-limiter';

/**
 * What keeps the local server safe to expose (`HOST=0.0.0.0`); listed in docs/DEPLOY.md. On AWS
 * API Gateway and Lambda bound the same things (stage throttling, a 30 s integration timeout).
 */
export const LOCAL_HTTP_LIMITS = {
  /** A client must send its whole header block within this (slow-header attacks). */
  headersTimeoutMs: 10_000,
  /** ... and its whole request, body included, within this (a 1-byte-per-second body). */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** How often the server looks for connections past those timeouts. */
  connectionsCheckingIntervalMs: 1_000,
  /** Open connections at once; more are refused at accept. */
  maxConnections: 128,
  /** Write requests with a wrong or missing key per client address per minute; then 429. */
  failedAuthPerMinute: 20,
} as const;

/** The server's timeouts; `LOCAL_HTTP_LIMITS` holds the values served (tests shorten them). */
export interface LocalServerTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionsCheckingIntervalMs: number;
}

export function localServerOptions(overrides: Partial<LocalServerTimeouts> = {}): ServerOptions {
  const limits: LocalServerTimeouts = { ...LOCAL_HTTP_LIMITS, ...overrides };
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The app as the local server serves it: CORS for the read routes exactly as API Gateway's
 * preflight allows them (any origin, GET and HEAD, no credentials), and a limit on failed
 * authentication per client address: only 401 answers count (so concurrent uploads with the
 * right key never do), and once an address is over, its write requests answer 429 until the
 * window has passed, a right key included, so a guesser learns nothing from the answers.
 * The counting window is hono-rate-limiter's MemoryStore; its middleware counts every request
 * before it runs, which would limit busy honest writers, hence this small middleware around it.
 */
export function guardedApp(app: Hono): Hono {
  const outer = new Hono();
  const failures = new MemoryStore();
  failures.init({ windowMs: 60_000 } as Parameters<MemoryStore['init']>[0]);
  outer.use(
    cors({ origin: '*', allowMethods: ['GET', 'HEAD'], allowHeaders: ['Content-Type'], maxAge: 86_400 }),
  );
  outer.use(async (c, next) => {
    if (!WRITE_METHODS.has(c.req.method)) return next();
    const client = getConnInfo(c).remote.address ?? 'unknown';
    const seen = failures.get(client);
    if (seen && seen.totalHits >= LOCAL_HTTP_LIMITS.failedAuthPerMinute) {
      const waitSeconds = Math.max(
        1,
        Math.ceil(((seen.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000),
      );
      return c.json(
        {
          error: {
            code: 'rate_limited',
            message: `more than ${LOCAL_HTTP_LIMITS.failedAuthPerMinute} write requests with a wrong key in a minute; retry in ${waitSeconds} s`,
          },
        },
        429,
        { 'Retry-After': String(waitSeconds) },
      );
    }
    await next();
    if (c.res.status === 401) failures.increment(client);
  });
  outer.all('*', (c) => app.fetch(c.req.raw, c.env));
  return outer;
}
