import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Article } from '@archive/core';
import type { ChildScripts } from './children';
import type { ColdStartReport } from './children/report';
import { buildLocalDataDir, localStartCommand } from './production';
import { type BenchQuery, toSearchPath, toSearchRequest } from './queries';
import { median } from './stats';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** One `npm start` run: spawn until the first `GET /search` answered, and the server's peak RSS. */
export interface LocalStartRun {
  firstAnswerMs: number;
  /** Spawn until the entry printed that it listens. */
  listeningMs: number;
  /** VmHWM of the node process serving (npm runs the start script in a shell, the shell runs node). */
  peakRssBytes: number;
  hits: number;
}

export interface LocalStartFigures {
  /** Building the data directory (store + index), once, before the runs (≈0 when reused). */
  importMs: number;
  runs: LocalStartRun[];
  firstAnswerMs: number;
  peakRssBytes: number;
  /** The baseline: a fresh process that reads the MiniSearch JSON, `loadJSON`s it, answers once. */
  baselineRuns: ColdStartReport[];
  baselineFirstAnswerMs: number;
  baselinePeakRssBytes: number;
  /** `/proc/loadavg`'s 1-minute figure before and after the runs (2 shared cores). */
  loadavg: { before: number; after: number };
}

const START_TIMEOUT_MS = 10 * 60_000;

/**
 * `npm start` on a data directory of `articles` against plain MiniSearch's `loadJSON` + first search
 * of the same articles, `runs` times each, alternating, medians reported.
 */
export async function measureLocalStart(options: {
  articles: readonly Article[];
  dataDir: string;
  scripts: ChildScripts;
  baselineSnapshotPath: string;
  /** The first query of the mix, as the cold-start section asks it. */
  query: BenchQuery;
  runs: number;
  /**
   * Names the corpus (source, size, seed): a data directory left by an earlier run of the same
   * corpus (`--local-data-dir`) is reused instead of imported again (20+ minutes at 100k).
   */
  corpusSignature: string;
  log: (line: string) => void;
}): Promise<LocalStartFigures> {
  const importStarted = performance.now();
  const marker = join(options.dataDir, 'bench-corpus');
  const built = await readFile(marker, 'utf8').catch(() => null);
  if (built === options.corpusSignature) {
    options.log(`  data directory of ${options.articles.length} articles reused (${options.dataDir})`);
  } else {
    await buildLocalDataDir(options.dataDir, options.articles);
    await writeFile(marker, options.corpusSignature);
    options.log(
      `  data directory of ${options.articles.length} articles built in ${((performance.now() - importStarted) / 1000).toFixed(1)} s`,
    );
  }
  const importMs = performance.now() - importStarted;
  const searchPath = toSearchPath(options.query);
  const request = toSearchRequest(options.query);
  const before = loadavg()[0] ?? Number.NaN;
  const runs: LocalStartRun[] = [];
  const baselineRuns: ColdStartReport[] = [];
  for (let run = 0; run < options.runs; run++) {
    baselineRuns.push(await options.scripts.coldStart('baseline', options.baselineSnapshotPath, request));
    runs.push(await startOnce(options.dataDir, searchPath));
  }
  return {
    importMs,
    runs,
    firstAnswerMs: median(runs.map((r) => r.firstAnswerMs)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    baselineRuns,
    baselineFirstAnswerMs: median(baselineRuns.map((r) => r.firstAnswerMs)),
    baselinePeakRssBytes: median(baselineRuns.map((r) => r.peakRssBytes)),
    loadavg: { before, after: loadavg()[0] ?? Number.NaN },
  };
}

async function startOnce(dataDir: string, searchPath: string): Promise<LocalStartRun> {
  const { command, args, cwd, env } = localStartCommand(PROJECT_ROOT, dataDir);
  const started = performance.now();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = await Promise.race([
      listeningUrl(child.stdout),
      exited.then((code) => {
        throw new Error(`npm start exited (${code}) before listening: ${stderr}`);
      }),
      timeout(START_TIMEOUT_MS),
    ]);
    const listeningMs = performance.now() - started;
    const response = await fetch(`${url}${searchPath}`);
    const body = (await response.json()) as { results?: unknown[] };
    const firstAnswerMs = performance.now() - started;
    if (!response.ok) throw new Error(`GET ${searchPath} answered ${response.status}`);
    return {
      firstAnswerMs,
      listeningMs,
      peakRssBytes: await peakRssOfServer(await serverPid(child.pid as number)),
      hits: body.results?.length ?? 0,
    };
  } finally {
    // SIGTERM to the server itself: it closes cleanly (the data directory as the next run expects
    // it), then npm exits with it. npm alone would exit at once and leave the server closing.
    process.kill(await serverPid(child.pid as number), 'SIGTERM');
    await exited;
  }
}

function listeningUrl(stdout: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    lines.on('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    // Closed output means the process is ending: its exit (with its stderr) is reported instead.
    lines.once('close', () =>
      setTimeout(() => reject(new Error('npm start closed its output before listening')), 1000).unref(),
    );
  });
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref());
}

/**
 * The process that serves: npm starts a shell that starts node on the launcher (the first node
 * process down the chain); the wrappers' own memory is not the server's. Not simply the deepest
 * descendant: on a fresh clone the launcher's first start bundles the workspace, and esbuild's
 * service process stays its child, so the deepest descendant was esbuild, which then got the
 * SIGTERM meant for the server (the bench waited for a server that never stopped).
 */
async function serverPid(pid: number): Promise<number> {
  let serving = pid;
  for (let depth = 0; depth < 3; depth++) {
    const name = (await readFile(`/proc/${serving}/comm`, 'utf8').catch(() => '')).trim();
    if (name === 'node') break;
    const children = await readFile(`/proc/${serving}/task/${serving}/children`, 'utf8').catch(() => '');
    const first = children.trim().split(/\s+/)[0];
    if (!first) break;
    serving = Number(first);
  }
  return serving;
}

/** Peak RSS (VmHWM) of a process. */
async function peakRssOfServer(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmHWM for process ${pid}`);
  return Number(kb) * 1024;
}
