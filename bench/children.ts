import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ColdStartReport } from './children/report';
import type { SearchRequest } from './queries';

export type Side = 'production' | 'baseline';
const ENTRIES = ['cold-production', 'cold-baseline', 'serve-production', 'serve-baseline'] as const;
type Entry = (typeof ENTRIES)[number];
/**
 * Node flags of every child, both sides alike: a heap limit large enough for a 200k-document
 * baseline (V8's default is about 4 GB here), like a large Lambda function would have.
 */
const CHILD_NODE_FLAGS = ['--max-old-space-size=8192'];

/**
 * Child processes are pre-bundled with esbuild (one self-contained .mjs per entry, both sides built
 * the same way) so that their start-up measures node + our code, not tsx's on-the-fly compilation.
 */
export class ChildScripts {
  private constructor(private readonly dir: string) {}

  static async bundle(workDir: string): Promise<ChildScripts> {
    const dir = await mkdtemp(join(workDir, 'children-'));
    const here = fileURLToPath(new URL('.', import.meta.url));
    await build({
      entryPoints: Object.fromEntries(ENTRIES.map((entry) => [entry, join(here, 'children', `${entry}.ts`)])),
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      // CommonJS dependencies bundled into ESM need a require().
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    return new ChildScripts(dir);
  }

  path(entry: Entry): string {
    return join(this.dir, `${entry}.mjs`);
  }

  /** One cold start: a fresh node process loads the snapshot and answers `request`. */
  async coldStart(side: Side, snapshotPath: string, request: SearchRequest): Promise<ColdStartReport> {
    const child = spawn(
      process.execPath,
      [...CHILD_NODE_FLAGS, this.path(`cold-${side}`), snapshotPath, JSON.stringify(request)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const [line, code, stderr] = await Promise.all([
      firstLine(child),
      exitCode(child),
      collect(child.stderr),
    ]);
    if (code !== 0 || !line)
      throw new Error(`cold-${side} child failed (exit ${code}): ${stderr.slice(-2000)}`);
    return JSON.parse(line) as ColdStartReport;
  }

  /** Starts a search server child; resolves once it listens. */
  async serve(side: Side, args: string[]): Promise<{ port: number; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, [...CHILD_NODE_FLAGS, this.path(`serve-${side}`), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr = collect(child.stderr);
    const line = await Promise.race([firstLine(child), exitCode(child).then(() => null)]);
    if (!line) throw new Error(`serve-${side} child exited early: ${(await stderr).slice(-2000)}`);
    const { port } = JSON.parse(line) as { port: number };
    return {
      port,
      stop: async () => {
        const exited = exitCode(child);
        child.kill('SIGTERM');
        await exited;
      },
    };
  }
}

function firstLine(child: ChildProcess): Promise<string | null> {
  return new Promise((resolve) => {
    if (!child.stdout) return resolve(null);
    const lines = createInterface({ input: child.stdout });
    let done = false;
    lines.once('line', (line) => {
      done = true;
      resolve(line);
    });
    lines.once('close', () => {
      if (!done) resolve(null);
    });
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((resolve) => {
    if (!stream) return resolve('');
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => resolve(text));
  });
}
