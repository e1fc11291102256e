import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * An HTTP endpoint that speaks the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`)
 * and runs handlers in this process (or a bundle loaded in a worker): the real `LambdaClient` of the
 * AWS SDK talks to it as to Lambda, so the coordinator's transport (timeouts, retries, payloads) runs
 * the code deployed on AWS. Used by the tests and the bench; loopback only.
 *
 * Lambda's behaviours it reproduces, because the transport depends on them:
 * - a handler that throws answers 200 with `X-Amz-Function-Error: Unhandled` and the error as JSON;
 * - an unknown function answers 404 `ResourceNotFoundException`;
 * - a request body over 6 MB answers 413 `RequestTooLargeException`;
 * - injected faults: a per-invocation delay (the in-region round trip), throttling (429
 *   `TooManyRequestsException`, which the SDK retries) and hanging (a timeout).
 */

export type InvokeHandler = (event: unknown) => Promise<unknown>;

/** What to do with one invocation, chosen per call (fault injection). */
export type InvokeFault = { kind: 'throttle' } | { kind: 'hang' } | { kind: 'fail'; message: string };

export interface InvokeEndpointOptions {
  /** Extra latency added to each invocation, in ms (e.g. 15 ± 5 for an in-region Invoke). */
  delayMs?: () => number;
  /** A fault for this invocation of `name`, or undefined to run it. */
  fault?: (name: string) => InvokeFault | undefined;
}

const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export interface InvokeEndpoint {
  /** `http://127.0.0.1:<port>`, for `new LambdaClient({ endpoint })`. */
  url: string;
  /** Invocations answered (or faulted), by function name. */
  invocations: Map<string, number>;
  close(): Promise<void>;
}

export async function startInvokeEndpoint(
  handlers: ReadonlyMap<string, InvokeHandler>,
  options: InvokeEndpointOptions = {},
): Promise<InvokeEndpoint> {
  const invocations = new Map<string, number>();
  const hanging = new Set<() => void>();
  const app = new Hono();
  app.post('/2015-03-31/functions/:name/invocations', async (c) => {
    // The SDK sends a bare name or an ARN; the function's name is the ARN's last part.
    const name = decodeURIComponent(c.req.param('name')).split(':').at(-1) ?? '';
    const handler = handlers.get(name) ?? findByArn(handlers, decodeURIComponent(c.req.param('name')));
    const awsError = (status: 404 | 413 | 429, type: string, message: string) =>
      c.json({ Type: 'User', message }, status, { 'x-amzn-errortype': type });
    if (!handler) return awsError(404, 'ResourceNotFoundException', `Function not found: ${name}`);
    invocations.set(name, (invocations.get(name) ?? 0) + 1);
    const body = await c.req.arrayBuffer();
    if (body.byteLength > MAX_REQUEST_BYTES) {
      return awsError(413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes');
    }
    const delay = options.delayMs?.() ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const fault = options.fault?.(name);
    if (fault?.kind === 'throttle') return awsError(429, 'TooManyRequestsException', 'Rate Exceeded.');
    if (fault?.kind === 'hang') {
      // Never answers on its own; released at close so the server can stop.
      await new Promise<void>((resolve) => hanging.add(resolve));
      return c.body(null, 504);
    }
    if (fault?.kind === 'fail') {
      return c.json({ errorType: 'Error', errorMessage: fault.message }, 200, {
        'X-Amz-Function-Error': 'Unhandled',
      });
    }
    const event = body.byteLength === 0 ? {} : (JSON.parse(new TextDecoder().decode(body)) as unknown);
    try {
      const result = await handler(event);
      return c.body(JSON.stringify(result ?? null), 200, { 'content-type': 'application/json' });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return c.json({ errorType: e.name, errorMessage: e.message }, 200, {
        'X-Amz-Function-Error': 'Unhandled',
      });
    }
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    close: async () => {
      for (const release of hanging) release();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

function findByArn(handlers: ReadonlyMap<string, InvokeHandler>, arn: string): InvokeHandler | undefined {
  const match = /:function:([^:]+)/.exec(arn);
  return match?.[1] ? handlers.get(match[1]) : undefined;
}
