import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '../../..');

export interface ServerChild {
  url: string;
  key: string;
  process: ChildProcess;
  /** The longest event-loop stall inside the server since the last call, in ms. */
  loopStall(): Promise<{ loopMaxMs: number; loopP99Ms: number }>;
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the local service in a child process (dynalite on `dataDir`, or in memory). */
export async function startServerChild(
  dataDir: string | null,
  key = 'dak_reliability_suite_key_0123456789',
): Promise<ServerChild> {
  const script = join(import.meta.dirname, 'serve-child.ts');
  // RELIABILITY_NODE_ARGS passes flags to the server child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const nodeArgs = process.env.RELIABILITY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', script, ...(dataDir ? [dataDir] : [])],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ARCHIVE_INGEST_KEY: key,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = () =>
    Promise.race([
      new Promise<string>((resolve) => waiting.push(resolve)),
      exited.then(() => {
        throw new Error(`server exited: ${err.slice(-2000)}`);
      }),
    ]);
  const first = JSON.parse(await nextLine()) as { url: string; key: string };
  return {
    ...first,
    process: child,
    async loopStall() {
      const line = nextLine();
      child.kill('SIGUSR2');
      return JSON.parse(await line);
    },
    stderr: () => err,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
