import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Article } from '@archive/core';
import { ChildScripts, type Side } from './children';
import type { ColdStartReport } from './children/report';
import { GROWTH, growCorpus, readJsonlCorpus, type SourceArticle } from './corpus';
import { generateCorpus } from './generate';
import { type HttpLoad, loadTest } from './http-load';
import { type IngestFigures, measureIngest } from './ingest';
import { measureWarmPaired, type WarmLatency } from './latency';
import { type LocalStartFigures, measureLocalStart } from './local-start';
import {
  PRODUCTION_NOTES,
  PRODUCTION_UNAVAILABLE,
  productionName,
  startProductionRuntime,
} from './production';
import { buildQueryMix, QUERY_KINDS, toSearchPath, toSearchRequest } from './queries';
import {
  type BuildFigures,
  buildBaselineSide,
  buildProductionSide,
  collectGarbage,
  loadBaselineSearch,
  loadProductionSearch,
} from './sides';
import { median, ratio } from './stats';
import { runSteadySection, type SteadySection } from './steady-section';

export const SECTIONS = ['cold', 'warm', 'http', 'ingest', 'local', 'steady'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** JSONL corpus path, or null for the generated corpus. */
  corpus: string | null;
  /** Documents to benchmark; null keeps the base corpus' size. */
  docs: number | null;
  queries: number;
  warmupQueries: number;
  skip: ReadonlySet<Section>;
  coldRuns: number;
  httpSeconds: number;
  ingestDocs: number;
  ingestBatch: number;
  ingestProbes: number;
  /** Steady section: batches of 10 arriving, articles grown from 0, search traffic per batch. */
  steadyBatches: number;
  steadyGrow: number;
  steadyIntervalMs: number;
  /** Local start: a data directory to keep (and reuse when it holds this corpus); default: a temporary one. */
  localDataDir?: string;
  seed: number;
  log: (line: string) => void;
}

/** Size of the generated base corpus (it is grown like any corpus beyond this). */
const GENERATED_BASE = 5_000;

export interface ColdStartFigures {
  runs: ColdStartReport[];
  /** Medians over the runs. */
  firstAnswerMs: number;
  peakRssBytes: number;
  loadMs: number;
}

export interface SideFigures extends BuildFigures {
  name: string;
  warm: WarmLatency | null;
  coldStart: ColdStartFigures | null;
  http: HttpLoad | null;
  ingest: IngestFigures | null;
  /** Sections that did not run, and why. */
  skipped: Partial<Record<Section, string>>;
}

export interface BenchResult {
  startedAt: string;
  durationMs: number;
  docs: number;
  corpus: { source: string; baseDocs: number; copies: number; growth: typeof GROWTH; seed: number };
  queries: { measured: number; warmup: number; kinds: readonly string[] };
  machine: { node: string; cpus: number; cpuModel: string; totalMemoryBytes: number };
  production: SideFigures;
  baseline: SideFigures;
  /** `npm start` on a data directory of the corpus against the baseline's `loadJSON` (issue 10). */
  localStart: LocalStartFigures | null;
  /** The index life cycle under steady ingest (issue 10): its own ratios are to whole snapshots. */
  steady: SteadySection | null;
  /** ours / baseline, null when a side did not measure it. */
  ratios: Record<
    | 'build'
    | 'snapshotRaw'
    | 'snapshotStored'
    | 'indexHeap'
    | 'coldStart'
    | 'peakRss'
    | 'load'
    | 'warmP50'
    | 'warmP95'
    | 'warmP99'
    | 'httpRps'
    | 'httpP99'
    | 'localStart'
    | 'localPeakRss',
    number | null
  >;
  notes: string[];
}

/** Loads the base corpus (file or generated) and grows it to the requested size. */
export async function prepareCorpus(
  options: Pick<BenchOptions, 'corpus' | 'docs' | 'seed'>,
): Promise<{ articles: Article[]; base: SourceArticle[]; source: string }> {
  const base = options.corpus
    ? await readJsonlCorpus(options.corpus)
    : generateCorpus(Math.min(options.docs ?? GENERATED_BASE, GENERATED_BASE), options.seed);
  const articles = growCorpus(base, options.docs ?? base.length, options.seed);
  return { articles, base, source: options.corpus ?? `generated (seed ${options.seed})` };
}

/** Runs the whole benchmark once: both sides over the same documents and queries. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const startedAt = new Date();
  const began = performance.now();
  const { log, skip } = options;
  const { articles, base, source } = await prepareCorpus(options);
  log(`corpus: ${articles.length} documents from ${base.length} base articles (${source})`);

  const measured = buildQueryMix(articles, options.queries, options.seed);
  const warmup = buildQueryMix(articles, options.warmupQueries, options.seed + 1);
  const workDir = await mkdtemp(join(tmpdir(), 'archive-bench-'));
  try {
    const needChildren = !skip.has('cold') || !skip.has('http') || !skip.has('local');
    const scripts = needChildren ? await ChildScripts.bundle(workDir) : null;

    log('baseline: build, snapshot…');
    const baselineSide = await buildBaselineSide(articles, workDir);
    collectGarbage();
    log('production: build, snapshot…');
    const productionSide = await buildProductionSide(articles, workDir);
    collectGarbage();
    const baseline = sideFigures('MiniSearch defaults + JSON', baselineSide.figures);
    const production = sideFigures(productionName(), productionSide.figures);

    if (scripts && !skip.has('cold')) {
      log(`cold starts: ${options.coldRuns} runs per side, alternating…`);
      const firstRequest = toSearchRequest(measured[0] ?? { kind: 'plain', q: 'the', terms: ['the'] });
      const runs: Record<Side, ColdStartReport[]> = { production: [], baseline: [] };
      for (let run = 0; run < options.coldRuns; run++) {
        runs.baseline.push(await scripts.coldStart('baseline', baselineSide.snapshotPath, firstRequest));
        runs.production.push(
          await scripts.coldStart('production', productionSide.snapshotPath, firstRequest),
        );
      }
      baseline.coldStart = coldStartFigures(runs.baseline);
      production.coldStart = coldStartFigures(runs.production);
    } else {
      baseline.skipped.cold = production.skipped.cold = 'skipped (--skip)';
    }

    if (skip.has('warm')) baseline.skipped.warm = production.skipped.warm = 'skipped (--skip)';
    else {
      // Both sides loaded from their snapshots, as their search functions would hold them.
      log(`warm: loading both snapshots, ${measured.length} queries per side, paired…`);
      const productionSearch = await loadProductionSearch(productionSide);
      const searches = [productionSearch, await loadBaselineSearch(baselineSide)] as const;
      try {
        [production.warm, baseline.warm] = await measureWarmPaired(searches, measured, warmup);
      } finally {
        await productionSearch.close();
      }
    }
    collectGarbage();

    if (scripts && !skip.has('http')) {
      log(`HTTP: autocannon ${options.httpSeconds} s per side…`);
      const http = { paths: measured.map(toSearchPath), warmupPaths: warmup.map(toSearchPath), ...options };
      const baselineArgs = [baselineSide.snapshotPath, baselineSide.datesPath];
      baseline.http = await measureHttp(scripts, 'baseline', baselineArgs, http);
      if (PRODUCTION_UNAVAILABLE.http) production.skipped.http = PRODUCTION_UNAVAILABLE.http;
      else production.http = await measureHttp(scripts, 'production', [productionSide.snapshotPath], http);
    } else {
      baseline.skipped.http = production.skipped.http = 'skipped (--skip)';
    }

    baseline.skipped.ingest = 'no ingest API on the baseline side';
    if (skip.has('ingest')) production.skipped.ingest = 'skipped (--skip)';
    else if (PRODUCTION_UNAVAILABLE.ingest) production.skipped.ingest = PRODUCTION_UNAVAILABLE.ingest;
    else {
      log(
        `ingest: ${options.ingestDocs} dispatches in batches of ${options.ingestBatch}, ${options.ingestProbes} probes…`,
      );
      const target = await startProductionRuntime(join(workDir, 'runtime'));
      try {
        const toIngest = articles.slice(0, options.ingestDocs);
        production.ingest = await measureIngest(target, toIngest, options.ingestBatch, options.ingestProbes);
      } finally {
        await target.close();
      }
    }

    let localStart: LocalStartFigures | null = null;
    if (scripts && !skip.has('local')) {
      log(
        `local start: a data directory of ${articles.length} articles, then npm start ${options.coldRuns} times…`,
      );
      localStart = await measureLocalStart({
        articles,
        dataDir: options.localDataDir ?? join(workDir, 'local-start'),
        corpusSignature: `${source} docs=${articles.length} seed=${options.seed}`,
        scripts,
        baselineSnapshotPath: baselineSide.snapshotPath,
        query: measured[0] ?? { kind: 'plain', q: 'the', terms: ['the'] },
        runs: options.coldRuns,
        log,
      });
    }

    let steady: SteadySection | null = null;
    if (!skip.has('steady')) {
      log(
        `steady: ${options.steadyBatches} batches of 10 onto ${articles.length} articles (modules, bundled handlers), growth 0 → ${options.steadyGrow}…`,
      );
      const grown = growCorpus(base, articles.length + options.steadyBatches * 10, options.seed);
      steady = await runSteadySection({
        base: articles,
        arriving: grown.slice(articles.length),
        batches: options.steadyBatches,
        queries: measured.slice(0, 140),
        paths: new Set(['module', 'bundled']),
        grow: articles.slice(0, options.steadyGrow),
        growEveryMs: 60_000,
        batchIntervalMs: options.steadyIntervalMs,
        refreshMs: undefined,
        dir: join(workDir, 'steady'),
        log,
      });
    }

    return {
      startedAt: startedAt.toISOString(),
      durationMs: performance.now() - began,
      docs: articles.length,
      corpus: {
        source,
        baseDocs: base.length,
        copies: Math.ceil(articles.length / base.length),
        growth: GROWTH,
        seed: options.seed,
      },
      queries: { measured: measured.length, warmup: warmup.length, kinds: QUERY_KINDS },
      machine: {
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        totalMemoryBytes: totalmem(),
      },
      production,
      baseline,
      localStart,
      steady,
      ratios: {
        ...ratiosOf(production, baseline),
        localStart: ratio(localStart?.firstAnswerMs, localStart?.baselineFirstAnswerMs),
        localPeakRss: ratio(localStart?.peakRssBytes, localStart?.baselinePeakRssBytes),
      },
      notes: [...PRODUCTION_NOTES],
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function sideFigures(name: string, figures: BuildFigures): SideFigures {
  return { name, ...figures, warm: null, coldStart: null, http: null, ingest: null, skipped: {} };
}

/** One side's server in a child: warmed up with the warm-up queries, then loaded by autocannon. */
async function measureHttp(
  scripts: ChildScripts,
  side: Side,
  args: string[],
  http: { paths: string[]; warmupPaths: string[]; httpSeconds: number },
): Promise<HttpLoad> {
  const server = await scripts.serve(side, args);
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    for (const path of http.warmupPaths) await (await fetch(baseUrl + path)).arrayBuffer();
    return await loadTest(baseUrl, http.paths, http.httpSeconds);
  } finally {
    await server.stop();
  }
}

function coldStartFigures(runs: ColdStartReport[]): ColdStartFigures {
  return {
    runs,
    firstAnswerMs: median(runs.map((r) => r.firstAnswerMs)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    loadMs: median(runs.map((r) => r.loadMs)),
  };
}

function ratiosOf(
  ours: SideFigures,
  base: SideFigures,
): Omit<BenchResult['ratios'], 'localStart' | 'localPeakRss'> {
  return {
    build: ratio(ours.buildMs, base.buildMs),
    snapshotRaw: ratio(ours.snapshotRawBytes, base.snapshotRawBytes),
    snapshotStored: ratio(ours.snapshotStoredBytes, base.snapshotStoredBytes),
    indexHeap: ratio(ours.indexHeapBytes, base.indexHeapBytes),
    coldStart: ratio(ours.coldStart?.firstAnswerMs, base.coldStart?.firstAnswerMs),
    peakRss: ratio(ours.coldStart?.peakRssBytes, base.coldStart?.peakRssBytes),
    load: ratio(ours.coldStart?.loadMs, base.coldStart?.loadMs),
    warmP50: ratio(ours.warm?.overall.p50, base.warm?.overall.p50),
    warmP95: ratio(ours.warm?.overall.p95, base.warm?.overall.p95),
    warmP99: ratio(ours.warm?.overall.p99, base.warm?.overall.p99),
    httpRps: ratio(ours.http?.requestsPerSecond, base.http?.requestsPerSecond),
    httpP99: ratio(ours.http?.latencyP99Ms, base.http?.latencyP99Ms),
  };
}

/** The shared Reuters corpus, relative to the project root, when this checkout has it. */
export function defaultCorpus(projectRoot: string): string | null {
  const path = join(projectRoot, '..', 'shared', 'corpora', 'reuters21578.jsonl');
  return existsSync(path) ? path : null;
}
