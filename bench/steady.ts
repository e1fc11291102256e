/**
 * `npm run bench:steady -- [--articles N] [--batches B] [--grow G] [--path module,bundled]
 * [--baseline-runs R]`: the
 * index life cycle under steady ingest (issue 10) on a generated corpus: batches of 10 new articles
 * arriving onto an archive of N, on the modules the handlers wrap and on the bundled handlers, and
 * an archive grown from 0 to G (bench/steady-section.ts says what is measured). `npm run bench` runs
 * the same section on its own corpus.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { growCorpus } from './corpus';
import { generateCorpus } from './generate';
import { buildQueryMix } from './queries';
import { BATCH } from './steady-measure';
import { runSteadySection, type SteadyPath } from './steady-section';

const opts = new Command()
  .name('bench:steady')
  .option('--articles <n>', 'archive size the batches arrive onto', Number, 10_000)
  .option('--batches <n>', 'batches of 10 new articles', Number, 30)
  .option('--grow <n>', 'articles grown from 0 for write amplification (0: skip)', Number, 5_000)
  .option('--grow-every-ms <n>', 'growth: simulated time between batches (0: the wall clock)', Number, 60_000)
  .option('--baseline-runs <n>', 'module path: whole-snapshot runs as the baseline (0: none)', Number, 3)
  .option('--path <paths>', 'module, bundled or both, comma-separated', 'module,bundled')
  .option('--batch-interval-ms <n>', 'bundled: search traffic after each batch before the next', Number, 3000)
  .option(
    '--refresh-ms <n>',
    "bundled: the search function's ARCHIVE_INDEX_REFRESH_MS (default: as deployed)",
  )
  .parse()
  .opts<{
    articles: number;
    batches: number;
    grow: number;
    growEveryMs: number;
    path: string;
    baselineRuns: number;
    batchIntervalMs: number;
    refreshMs?: string;
  }>();

const dir = await mkdtemp(join(tmpdir(), 'bench-steady-'));
try {
  const corpus = growCorpus(generateCorpus(2_000, 11), opts.articles + opts.batches * BATCH, 5);
  const base = corpus.slice(0, opts.articles);
  const section = await runSteadySection({
    base,
    arriving: corpus.slice(opts.articles),
    batches: opts.batches,
    queries: buildQueryMix(base, 140, 3),
    paths: new Set(opts.path.split(',') as SteadyPath[]),
    grow: opts.grow > 0 ? growCorpus(generateCorpus(2_000, 13), opts.grow, 9) : [],
    growEveryMs: opts.growEveryMs,
    batchIntervalMs: opts.batchIntervalMs,
    refreshMs: opts.refreshMs === undefined ? undefined : Number(opts.refreshMs),
    baselineRuns: opts.baselineRuns,
    dir,
    log: (line) => console.log(line),
  });
  await mkdir(join(import.meta.dirname, 'results'), { recursive: true });
  await writeFile(
    join(import.meta.dirname, 'results', `steady-${opts.articles}.json`),
    `${JSON.stringify(section, null, 2)}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
