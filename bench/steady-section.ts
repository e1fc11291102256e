/**
 * The steady-ingest section: batches of 10 arriving onto an archive, on the modules
 * (bench/steady-measure.ts) and on the bundled handlers (bench/steady-bundled.ts), and an archive
 * grown from 0 in batches; printed as it goes, returned for the result JSON. Run by
 * `npm run bench:steady` (its own generated corpus) and by `npm run bench` (section `steady`, on the
 * corpus and query mix of the run).
 */
import { join } from 'node:path';
import type { Article } from '@archive/core';
import type { BenchQuery } from './queries';
import { type BundledSteadyFigures, steadyBundled } from './steady-bundled';
import { BATCH, growth, type Requests, steadyModules } from './steady-measure';

export type SteadyPath = 'module' | 'bundled';

export interface SteadySectionOptions {
  /** The archive the batches arrive onto. */
  base: readonly Article[];
  /** The articles that arrive, `BATCH` per batch (at least `batches × BATCH`). */
  arriving: readonly Article[];
  batches: number;
  queries: readonly BenchQuery[];
  paths: ReadonlySet<SteadyPath>;
  /** Articles grown from 0 for write amplification; empty: skipped. */
  grow: readonly Article[];
  /** The growth's pace on a simulated clock (0: the wall clock; see steady-measure.ts's growth). */
  growEveryMs: number;
  /** Bundled path: search traffic after each batch before the next arrives. */
  batchIntervalMs: number;
  /** Bundled path: the search function's `ARCHIVE_INDEX_REFRESH_MS` (undefined: as deployed). */
  refreshMs: number | undefined;
  /** Module path: whole-snapshot runs timed as the baseline (0: none, ratios null). */
  baselineRuns?: number;
  dir: string;
  log: (line: string) => void;
}

type Ratio = number | null;

/**
 * The figures up front (`steady.ratios.publishBytes`, …), then each path's own. Taken from
 * the bundled handlers where they measure it (p99 under ingest, ingest to searchable); publication
 * time and refresh time from the modules, which time them alone against a whole snapshot of the same
 * archive (the bundled indexer's invocation also runs the merges; a refresh runs inside requests).
 */
export interface SteadySection {
  ratios: { publishBytes: Ratio; publishTime: Ratio; refreshTime: Ratio; p99UnderIngest: Ratio };
  ingestToSearchableP95Ms: number | null;
  writeAmplification: number | null;
  maxSegmentsPerPartition: number | null;
  modules: Awaited<ReturnType<typeof steadyModules>> | null;
  bundled: BundledSteadyFigures | null;
  growth: Awaited<ReturnType<typeof growth>> | null;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const kb = (bytes: number) => `${(bytes / 1e3).toFixed(1)} kB`;
const fmtRequests = (r: Requests) =>
  `${r.putClass.toFixed(1)} PUT/LIST, ${r.getClass.toFixed(1)} GET, ${r.deletes.toFixed(1)} DELETE`;

export async function runSteadySection(options: SteadySectionOptions): Promise<SteadySection> {
  const { log } = options;
  const batches = Array.from({ length: options.batches }, (_, i) =>
    options.arriving.slice(i * BATCH, (i + 1) * BATCH),
  );
  const section: SteadySection = {
    ratios: { publishBytes: null, publishTime: null, refreshTime: null, p99UnderIngest: null },
    ingestToSearchableP95Ms: null,
    writeAmplification: null,
    maxSegmentsPerPartition: null,
    modules: null,
    bundled: null,
    growth: null,
  };
  if (options.paths.has('module')) {
    const s = await steadyModules(
      options.base,
      options.arriving,
      options.batches,
      options.queries,
      join(options.dir, 'module'),
      options.baselineRuns,
    );
    log(`steady ingest onto ${s.articles} articles, ${s.batches} batches of ${BATCH} (modules):`);
    if (s.whole) {
      log(
        `  whole snapshot: ${mb(s.whole.bytes)}, publication ${s.whole.publishMs.toFixed(0)} ms, load ${s.whole.loadMs.toFixed(0)} ms`,
      );
    }
    log(
      `  per batch (median): ${kb(s.batch.publishBytes)} written, apply + publish ${s.batch.publishMs.toFixed(0)} ms, merges ${s.batch.mergeMsMedian.toFixed(0)} ms, refresh ${s.batch.refreshMs.toFixed(1)} ms`,
    );
    log(
      `  requests per batch (mean): indexer ${fmtRequests(s.batch.indexerRequests)}; one search function's refresh ${fmtRequests(s.batch.refreshRequests)}`,
    );
    log(
      `  search p99: idle ${s.idleP99Ms.toFixed(1)} ms, under ingest ${s.underIngestP99Ms.toFixed(1)} ms; ingest to searchable p95 ${s.ingestToSearchableP95Ms.toFixed(0)} ms (${s.searchableBatches}/${s.batches} batches found at once)`,
    );
    const r = s.ratios;
    const fixed = (x: Ratio, digits: number) => (x === null ? 'n/a (no baseline)' : x.toFixed(digits));
    log(
      `  ratios: publishBytes ${fixed(r.publishBytes, 4)} (≤ 0.02), publishTime ${fixed(r.publishTime, 3)} (≤ 0.05), refreshTime ${fixed(r.refreshTime, 3)} (≤ 0.05), p99UnderIngest ${fixed(r.p99UnderIngest, 2)} (≤ 1.25)`,
    );
    section.modules = s;
    section.ratios = { ...s.ratios };
    section.ingestToSearchableP95Ms = s.ingestToSearchableP95Ms;
  }
  if (options.paths.has('bundled')) {
    const b = await steadyBundled({
      base: options.base,
      batches,
      queries: options.queries,
      dir: join(options.dir, 'bundled'),
      batchIntervalMs: options.batchIntervalMs,
      refreshMs: options.refreshMs,
    });
    log(
      `steady ingest onto ${options.base.length} articles, ${options.batches} batches of ${BATCH} (bundled handlers, stream batches, API Gateway events; refresh interval ${b.refreshMs}, a batch every ${b.batchIntervalMs} ms):`,
    );
    log(
      `  indexer invocation (median, merges included) ${b.indexerInvocationMs.toFixed(0)} ms, ${kb(b.bytesWrittenPerBatch)} written per batch`,
    );
    log(
      `  search p50 / p99: idle ${b.idleP50Ms.toFixed(1)} / ${b.idleP99Ms.toFixed(1)} ms, under ingest ${b.underIngestP50Ms.toFixed(1)} / ${b.underIngestP99Ms.toFixed(1)} ms (${b.queriesUnderIngest} queries): p99UnderIngest ${b.ratios.p99UnderIngest.toFixed(2)} (≤ 1.25)`,
    );
    log(
      `  ingest to searchable: median ${b.ingestToSearchableMedianMs.toFixed(0)} ms, p95 ${b.ingestToSearchableP95Ms.toFixed(0)} ms (${b.searchableBatches}/${options.batches} batches found within 30 s)`,
    );
    section.bundled = b;
    section.ratios.p99UnderIngest = b.ratios.p99UnderIngest;
    section.ingestToSearchableP95Ms = b.ingestToSearchableP95Ms;
    if (section.modules?.whole)
      section.ratios.publishBytes = b.bytesWrittenPerBatch / section.modules.whole.bytes;
  }
  if (options.grow.length > 0) {
    const g = await growth(options.grow, join(options.dir, 'growth'), options.growEveryMs);
    const pace =
      g.batchEveryMs > 0 ? `a batch every ${g.batchEveryMs / 1000} s (simulated clock)` : 'wall clock';
    log(
      `growth 0 → ${g.articles} in batches of ${BATCH}, ${pace}: ${mb(g.bytesWritten)} written (states ${mb(g.stateBytesWritten)}, retirement records ${mb(g.recordBytesWritten)}) for a ${mb(g.finalSnapshotBytes)} snapshot, write amplification ${g.writeAmplification.toFixed(1)} (≤ 10), max ${g.maxSegmentsPerPartition} segments per partition (≤ 12)`,
    );
    log(
      `  per batch (mean, merges and collection included): indexer ${g.perBatch.indexerMs.toFixed(0)} ms, requests ${fmtRequests(g.perBatch.requests)}`,
    );
    section.growth = g;
    section.writeAmplification = g.writeAmplification;
    section.maxSegmentsPerPartition = g.maxSegmentsPerPartition;
  }
  return section;
}
