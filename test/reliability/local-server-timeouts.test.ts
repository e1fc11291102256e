import { connect, type Socket } from 'node:net';
import {
  createLocalRuntime,
  type LocalRuntime,
  type LocalServerTimeouts,
  localServerOptions,
} from '@archive/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The local server's header, request and keep-alive timeouts (issue 12, low finding: "a 1-byte-per-
 * second body ... held open for the whole probe"), proven against a real local runtime over raw
 * sockets. The runtime is started with the timeouts shortened (same code path as `npm start`, which
 * uses LOCAL_HTTP_LIMITS), so each case takes well under a second; Node's defaults (60 s headers,
 * 300 s request) would hold every one of these connections for the whole test.
 */
const TIMEOUTS: LocalServerTimeouts = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 800,
  keepAliveTimeoutMs: 300,
  connectionsCheckingIntervalMs: 50,
};
/** What the server may take beyond a limit: its checking interval plus scheduling on a busy machine. */
const SLACK_MS = 700;
/** A drip slow enough that the client would still be sending long after every limit. */
const DRIP_EVERY_MS = 25;

let runtime: LocalRuntime;
let host: string;
let port: number;
beforeAll(async () => {
  runtime = await createLocalRuntime({
    dataDir: null,
    log: () => {},
    logger: { error: () => {} },
    serverTimeouts: TIMEOUTS,
  });
  const url = new URL(await runtime.listen(0));
  host = url.hostname;
  port = Number(url.port);
});
afterAll(() => runtime.close());

interface Outcome {
  /** From the first byte sent to the socket closing. */
  elapsedMs: number;
  /** Everything the server answered. */
  answer: string;
  /** Bytes of `drip` the client had sent when the server closed. */
  dripped: number;
}

/**
 * Opens a connection, sends `head` at once, then `drip` one byte every DRIP_EVERY_MS, and waits
 * for the server to close the connection (the test fails on its own timeout if it never does).
 */
function slowClient(head: string, drip: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, host);
    const chunks: Buffer[] = [];
    let started = 0;
    let dripped = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // EPIPE/ECONNRESET once the server has cut us off
    socket.once('connect', () => {
      started = performance.now();
      socket.write(head);
      timer = setInterval(() => {
        if (dripped >= drip.length || socket.destroyed) return clearInterval(timer);
        socket.write(drip[dripped++] ?? '');
      }, DRIP_EVERY_MS);
    });
    socket.once('close', () => {
      clearInterval(timer);
      if (!started) return reject(new Error('never connected'));
      resolve({
        elapsedMs: performance.now() - started,
        answer: Buffer.concat(chunks).toString('latin1'),
        dripped,
      });
    });
  });
}

const dispatch = JSON.stringify({
  title: 'Slowloris report',
  body: 'A body sent one byte at a time.',
  publishedAt: '2024-05-01T10:00:00Z',
});

/** From the store itself: `/health` reuses its count for 5 s. */
const articleCount = () => runtime.repository.count();

/** Node (20.x) keeps an idle keep-alive socket 1 s past keepAliveTimeout, so clients never race it. */
const NODE_KEEP_ALIVE_GRACE_MS = 1000;

describe('the local server cuts off slow clients (issue 12: header and request timeouts)', () => {
  it('serves LOCAL_HTTP_LIMITS by default (10 s headers, 30 s request) and takes overrides', () => {
    expect(localServerOptions()).toMatchObject({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
    });
    expect(localServerOptions({ headersTimeoutMs: 300 })).toMatchObject({
      headersTimeout: 300,
      requestTimeout: 30_000,
    });
  });

  it(`closes a connection whose headers arrive byte by byte after headersTimeout (${TIMEOUTS.headersTimeoutMs} ms) with 408`, async () => {
    const drip = `X-Slow: ${'a'.repeat(200)}\r\n\r\n`;
    const outcome = await slowClient(`GET /health HTTP/1.1\r\nHost: ${host}\r\n`, drip);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(TIMEOUTS.headersTimeoutMs - 50);
    expect(outcome.elapsedMs).toBeLessThan(TIMEOUTS.headersTimeoutMs + SLACK_MS);
    expect(outcome.dripped).toBeLessThan(drip.length); // cut off mid-headers, not served
  });

  it(`closes an authorised upload whose body arrives byte by byte after requestTimeout (${TIMEOUTS.requestTimeoutMs} ms) with 408, storing nothing`, async () => {
    const before = await articleCount();
    const head = [
      'POST /dispatches HTTP/1.1',
      `Host: ${host}`,
      `Authorization: Bearer ${runtime.ingestKey.key}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(dispatch)}`,
      '',
      '',
    ].join('\r\n');
    const outcome = await slowClient(head, dispatch);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 /);
    // Headers were complete at once, so it is the request timeout, not the headers one, that cut it.
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(TIMEOUTS.requestTimeoutMs - 50);
    expect(outcome.elapsedMs).toBeLessThan(TIMEOUTS.requestTimeoutMs + SLACK_MS);
    expect(outcome.dripped).toBeLessThan(dispatch.length);
    expect(await articleCount()).toBe(before);

    // The same upload sent at once is served: the limits cut slow clients, not requests.
    const fast = await fetch(`http://${host}:${port}/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/json' },
      body: dispatch,
    });
    expect(fast.status).toBe(201);
    expect(await articleCount()).toBe(before + 1);
  });

  it(`closes an idle keep-alive connection after keepAliveTimeout (${TIMEOUTS.keepAliveTimeoutMs} ms, plus Node's 1 s grace)`, async () => {
    const outcome = await slowClient(
      `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`,
      '',
    );
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(outcome.answer).toMatch(/\r\nConnection: keep-alive\r\n/i);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(TIMEOUTS.keepAliveTimeoutMs);
    // With the 5 s default (or Node's own 5 s) this connection would stay open for 6 s.
    expect(outcome.elapsedMs).toBeLessThan(TIMEOUTS.keepAliveTimeoutMs + NODE_KEEP_ALIVE_GRACE_MS + SLACK_MS);
  });
});
