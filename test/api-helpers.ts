import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryOptions } from '@archive/api';
import type { LocalPlugin } from '@archive/local';
import { createLocalRuntime, type LocalRuntime } from '@archive/local';
import { assertConforms } from './openapi-conformance';

// The SDK's Node-version notice is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const SAMPLE = readFileSync(join(import.meta.dirname, 'fixtures/sample-dispatch.txt'), 'utf8');

/** A fetch Response whose JSON is loosely typed, which is what assertions on bodies want. */
export interface JsonResponse extends Omit<Response, 'json'> {
  // biome-ignore lint/suspicious/noExplicitAny: test assertions inspect arbitrary JSON bodies
  json(): Promise<any>;
}

export interface TestServer {
  runtime: LocalRuntime;
  url: string;
  key: string;
  /** fetch against the server; `auth: true` adds the ingest key. Answers must conform to the OpenAPI document. */
  request(path: string, init?: RequestInit & { auth?: boolean | string }): Promise<JsonResponse>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** null (default) keeps everything in memory. */
  dataDir?: string | null;
  plugins?: LocalPlugin[];
  log?: (line: string) => void;
  /** Alert delivery settings (tests use small backoffs). */
  alertDelivery?: Partial<DeliveryOptions>;
  maxAlerts?: number;
}

/** A local runtime (in memory unless a data dir is given) served on 127.0.0.1 with an ephemeral port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const runtime = await createLocalRuntime({
    dataDir: options.dataDir ?? null,
    plugins: options.plugins,
    log: options.log ?? (() => {}),
    logger: { error: () => {} },
    alertDelivery: options.alertDelivery,
    maxAlerts: options.maxAlerts,
  });
  const url = await runtime.listen(0);
  const key = runtime.ingestKey.key;
  return {
    runtime,
    url,
    key,
    request(path, init = {}) {
      const { auth, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth) headers.set('authorization', `Bearer ${auth === true ? key : auth}`);
      return fetch(`${url}${path}`, { ...rest, headers }).then(
        (response) => assertConforms(rest.method ?? 'GET', path, response) as Promise<JsonResponse>,
      );
    },
    close: () => runtime.close(),
  };
}
