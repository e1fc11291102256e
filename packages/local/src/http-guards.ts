import type { ServerOptions } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { rateLimiter } from 'hono-rate-limiter';

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

export function localServerOptions(): ServerOptions {
  return {
    headersTimeout: LOCAL_HTTP_LIMITS.headersTimeoutMs,
    requestTimeout: LOCAL_HTTP_LIMITS.requestTimeoutMs,
    keepAliveTimeout: LOCAL_HTTP_LIMITS.keepAliveTimeoutMs,
    connectionsCheckingInterval: LOCAL_HTTP_LIMITS.connectionsCheckingIntervalMs,
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The app as the local server serves it: CORS for the read routes exactly as API Gateway's
 * preflight allows them (any origin, GET and HEAD, no credentials), and a limit on failed
 * authentication per client address (only 401 answers count; once over, write requests from that
 * address answer 429 until the minute has passed, a right key included, so guessing is slow).
 */
export function guardedApp(app: Hono): Hono {
  const outer = new Hono();
  outer.use(
    cors({ origin: '*', allowMethods: ['GET', 'HEAD'], allowHeaders: ['Content-Type'], maxAge: 86_400 }),
  );
  outer.use(
    rateLimiter({
      windowMs: 60_000,
      limit: LOCAL_HTTP_LIMITS.failedAuthPerMinute,
      standardHeaders: 'draft-6',
      keyGenerator: (c) => getConnInfo(c).remote.address ?? 'unknown',
      skip: (c) => !WRITE_METHODS.has(c.req.method),
      skipSuccessfulRequests: true,
      requestWasSuccessful: (c) => c.res.status !== 401,
      handler: (c) =>
        c.json(
          {
            error: {
              code: 'rate_limited',
              message: `more than ${LOCAL_HTTP_LIMITS.failedAuthPerMinute} write requests with a wrong key in a minute; wait and retry`,
            },
          },
          429,
          { 'Retry-After': '60' },
        ),
    }),
  );
  outer.all('*', (c) => app.fetch(c.req.raw, c.env));
  return outer;
}
