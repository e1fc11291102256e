import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatCurve, runCurve } from './curve';
import {
  type BenchOptions,
  type BenchResult,
  defaultCorpus,
  prepareCorpus,
  runBench,
  SECTIONS,
  type Section,
} from './harness';
import { hostsTable, runHostsBench } from './hosts';
import { buildQueryMix } from './queries';
import { formatTable } from './report';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function sections(value: string): Section[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown section '${name}' (known: ${SECTIONS.join(', ')})`);
    }
  }
  return names as Section[];
}

function hostCounts(value: string): number[] {
  return value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0 || n > 16) throw new InvalidArgumentError('expected host counts 0..16');
    return n;
  });
}

function sizes(value: string): number[] {
  return value.split(',').map((s) => positiveInt(s.trim()));
}

/** What commander parses: the harness options that map one to one, plus the CLI's own. */
type CliValues = Pick<
  BenchOptions,
  | 'queries'
  | 'coldRuns'
  | 'httpSeconds'
  | 'ingestDocs'
  | 'ingestBatch'
  | 'ingestProbes'
  | 'steadyBatches'
  | 'steadyGrow'
  | 'steadyIntervalMs'
  | 'seed'
  | 'localDataDir'
> & {
  corpus?: string;
  generated?: boolean;
  docs?: number;
  warmup: number;
  skip?: Section[];
  out?: string;
  tiny?: boolean;
  curve?: number[];
  quiet?: boolean;
  workers?: number;
  hosts?: number[];
};

function command(): Command {
  return new Command('bench')
    .description('Benchmarks the production index against plain MiniSearch over the same documents')
    .option('--corpus <file>', 'JSONL corpus (default: ../shared/corpora/reuters21578.jsonl when present)')
    .option('--generated', 'use the generated corpus even when the Reuters corpus is present')
    .option('--docs <n>', 'documents to benchmark (the corpus is grown or trimmed to it)', positiveInt)
    .option('--queries <n>', 'measured queries (cycling through the 7 kinds)', positiveInt, 700)
    .option('--warmup <n>', 'warm-up queries (a different draw)', positiveInt, 140)
    .option('--skip <sections>', `comma-separated sections to skip: ${SECTIONS.join(',')}`, sections)
    .option('--out <file>', 'result JSON (default bench/results/latest.json, curve.json with --curve)')
    .option('--tiny', 'a few hundred generated documents, short runs (what npm test runs)')
    .option('--curve <sizes>', 'growth curve at these sizes, e.g. 10000,50000,100000,200000', sizes)
    .option('--cold-runs <n>', 'cold starts per side (the median is reported)', positiveInt, 3)
    .option('--http-seconds <n>', 'autocannon duration per side', positiveInt, 5)
    .option('--ingest-docs <n>', 'dispatches posted in the ingest section', positiveInt, 2000)
    .option('--ingest-batch <n>', 'dispatches per NDJSON batch', positiveInt, 250)
    .option('--ingest-probes <n>', 'single dispatches timed until searchable', positiveInt, 20)
    .option(
      '--steady-batches <n>',
      'steady section: batches of 10 arriving onto the archive',
      positiveInt,
      30,
    )
    .option(
      '--steady-grow <n>',
      'steady section: articles grown from 0 in batches of 10',
      positiveInt,
      10_000,
    )
    .option(
      '--steady-interval-ms <n>',
      'steady section: search traffic after each batch (bundled)',
      positiveInt,
      3000,
    )
    .option(
      '--local-data-dir <dir>',
      'local start: keep the data directory here, reuse it when it holds this corpus',
    )
    .option('--seed <n>', 'seed of the corpus growth and the query draw', positiveInt, 42)
    .option(
      '--hosts <counts>',
      'partition functions, e.g. 0,2: each layout in processes of its own, 15±5 ms per invocation (bench/hosts.ts); runs only this',
      hostCounts,
    )
    .option(
      '--workers <n>',
      'worker threads of the production search function (ARCHIVE_SEARCH_WORKERS; default 0: in thread)',
      (v) => (v === '0' ? 0 : positiveInt(v)),
    )
    .addOption(new Option('--quiet', 'no progress lines, no table (tests)').hideHelp());
}

/** The options a CLI invocation means (tiny mode overrides sizes and durations). */
export function resolveOptions(values: CliValues): BenchOptions {
  const log = values.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const common = { skip: new Set(values.skip ?? []), seed: values.seed, log };
  if (values.tiny) {
    return {
      ...common,
      corpus: null,
      docs: values.docs ?? 300,
      queries: 70,
      warmupQueries: 14,
      coldRuns: 3,
      httpSeconds: 1,
      ingestDocs: 60,
      ingestBatch: 30,
      ingestProbes: 3,
      steadyBatches: 3,
      steadyGrow: 300,
      steadyIntervalMs: 300,
    };
  }
  return {
    ...common,
    corpus: values.generated ? null : (values.corpus ?? defaultCorpus(PROJECT_ROOT)),
    docs: values.docs ?? null,
    queries: values.queries,
    warmupQueries: values.warmup,
    coldRuns: values.coldRuns,
    httpSeconds: values.httpSeconds,
    ingestDocs: values.ingestDocs,
    ingestBatch: values.ingestBatch,
    ingestProbes: values.ingestProbes,
    steadyBatches: values.steadyBatches,
    steadyGrow: Math.min(values.steadyGrow, values.docs ?? Number.POSITIVE_INFINITY),
    steadyIntervalMs: values.steadyIntervalMs,
    ...(values.localDataDir ? { localDataDir: values.localDataDir } : {}),
  };
}

/**
 * `npm run bench -- [options]`: runs the benchmark (or the growth curve), prints the table and
 * writes the JSON. Returns what it wrote.
 */
export async function runCli(argv: readonly string[]): Promise<{ outPath: string; result: unknown }> {
  const program = command();
  program.parse(argv as string[]);
  const values = program.opts<CliValues>();
  // Read by the production adapter here and in the children, as the search function reads it.
  if (values.workers !== undefined) process.env.ARCHIVE_SEARCH_WORKERS = String(values.workers);
  const options = resolveOptions(values);
  if (values.hosts) {
    const { articles } = await prepareCorpus(options);
    const rows = await runHostsBench({
      articles,
      hosts: values.hosts,
      queries: buildQueryMix(articles, options.queries, options.seed),
      warmup: buildQueryMix(articles, options.warmupQueries, options.seed + 1),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    const outPath = resolve(values.out ?? join(PROJECT_ROOT, 'bench/results/hosts.json'));
    const result = { kind: 'hosts', docs: articles.length, loadavg: loadavg(), rows };
    await writeJson(outPath, result);
    if (!values.quiet) process.stdout.write(`${hostsTable(articles.length, rows)}\nwritten: ${outPath}\n`);
    return { outPath, result };
  }
  if (values.curve) {
    const points = await runCurve(values.curve, options);
    const outPath = resolve(values.out ?? join(PROJECT_ROOT, 'bench/results/curve.json'));
    await writeJson(outPath, { kind: 'curve', points });
    if (!values.quiet) process.stdout.write(`${formatCurve(points)}\n`);
    return { outPath, result: points };
  }
  const result: BenchResult = await runBench(options);
  const outPath = resolve(values.out ?? join(PROJECT_ROOT, 'bench/results/latest.json'));
  await writeJson(outPath, result);
  if (!values.quiet) process.stdout.write(`${formatTable(result)}\nwritten: ${outPath}\n`);
  return { outPath, result };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
