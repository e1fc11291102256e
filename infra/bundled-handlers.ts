/**
 * Test support for "deployed artifacts work": bundle a function exactly as the stack does (the shared
 * options of `lib/bundling.ts`), load the bundle with Node's own ESM loader as the Lambda runtime
 * does (in a worker thread, see `coldStart`), and run it against dynalite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { esbuildBuildOptions, type FunctionName, LAMBDA_BUNDLE, PROJECT_ROOT } from './lib/bundling';

/**
 * Bundles land inside the repository so that their `@aws-sdk/*` imports (external, as on Lambda,
 * where the runtime provides the SDK) resolve from the project's node_modules.
 */
const BUNDLE_ROOT = path.join(PROJECT_ROOT, '.tmp', 'bundles');

/** Bundles one function with the stack's esbuild options; returns the path of its `index.mjs`. */
export async function bundleFunction(name: FunctionName): Promise<string> {
  const outdir = path.join(BUNDLE_ROOT, name);
  await build(esbuildBuildOptions(name, outdir));
  return path.join(outdir, LAMBDA_BUNDLE.outFile);
}

/**
 * Runs a bundle in a worker thread: Node's own ESM loader (vitest's module runner would transform
 * the bundle), its own `process.env`, and a fresh module instance per cold start, as on Lambda.
 */
const RUNNER = `
import { parentPort, workerData } from 'node:worker_threads';
const errorOf = (e) => ({ name: e?.name ?? 'Error', message: e?.message ?? String(e) });
let mod;
try {
  mod = await import(workerData.bundleUrl);
  parentPort.postMessage({ type: 'ready' });
} catch (e) {
  parentPort.postMessage({ type: 'init-error', error: errorOf(e) });
}
parentPort.on('message', async ({ id, event, context }) => {
  try {
    parentPort.postMessage({ id, result: await mod.handler(event, context) });
  } catch (e) {
    parentPort.postMessage({ id, error: errorOf(e) });
  }
});
`;

/** A loaded ("cold-started") Lambda bundle. */
export interface BundledHandler<TEvent, TResult> {
  /** Invokes the exported `handler` like the runtime does; handler errors reject with name and message. */
  invoke(event: TEvent, context?: Record<string, unknown>): Promise<TResult>;
  /** Ends the execution environment. */
  close(): Promise<void>;
}

/**
 * Loads a bundle in a new execution environment whose environment variables are the test process's
 * plus `env` (an `undefined` value removes a variable). Rejects with the init error if the module
 * fails to load, e.g. because its configuration is invalid.
 */
export async function coldStart<TEvent, TResult>(
  bundle: string,
  env: Record<string, string | undefined>,
): Promise<BundledHandler<TEvent, TResult>> {
  const runner = path.join(BUNDLE_ROOT, 'runner.mjs');
  mkdirSync(BUNDLE_ROOT, { recursive: true });
  writeFileSync(runner, RUNNER);
  const workerEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined) workerEnv[key] = value;
  }
  const worker = new Worker(runner, {
    workerData: { bundleUrl: pathToFileURL(bundle).href },
    env: workerEnv,
  });
  const pending = new Map<number, { resolve: (v: TResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { type: string; error?: { name: string; message: string } }) => {
      if (message.type === 'ready') return resolve();
      void worker.terminate();
      reject(Object.assign(new Error(message.error?.message), { name: message.error?.name }));
    });
  });
  worker.on(
    'message',
    (message: { id: number; result?: TResult; error?: { name: string; message: string } }) => {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      if (message.error)
        call.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
      else call.resolve(message.result as TResult);
    },
  );
  return {
    invoke: (event, context = {}) =>
      new Promise<TResult>((resolve, reject) => {
        nextId += 1;
        pending.set(nextId, { resolve, reject });
        worker.postMessage({ id: nextId, event, context });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

interface DynaliteServer {
  listen(port: number, host: string, callback: (err?: Error) => void): void;
  close(callback: (err?: Error) => void): void;
  address(): AddressInfo;
}

/** In-memory dynalite on an ephemeral loopback port. */
export async function startDynalite(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  // dynalite ships no type declarations; require() keeps its `any` contained in this one line.
  const dynalite = createRequire(import.meta.url)('dynalite') as (opts: object) => DynaliteServer;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) =>
    server.listen(0, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  );
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Environment every bundled handler gets in tests: a region and dummy credentials, quiet logs. */
export const TEST_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_EC2_METADATA_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;
