import { type BenchOptions, type BenchResult, runBench, type SideFigures } from './harness';

/** One point of the growth curve: the figures that scale with the archive, both sides. */
export interface CurvePoint {
  docs: number;
  production: CurveFigures;
  baseline: CurveFigures;
}

export interface CurveFigures {
  buildMs: number;
  snapshotStoredBytes: number;
  indexHeapBytes: number;
  coldStartMs: number | null;
  peakRssBytes: number | null;
  warmP50Ms: number | null;
  warmP99Ms: number | null;
}

function curveFigures(side: SideFigures): CurveFigures {
  return {
    buildMs: side.buildMs,
    snapshotStoredBytes: side.snapshotStoredBytes,
    indexHeapBytes: side.indexHeapBytes,
    coldStartMs: side.coldStart?.firstAnswerMs ?? null,
    peakRssBytes: side.coldStart?.peakRssBytes ?? null,
    warmP50Ms: side.warm?.overall.p50 ?? null,
    warmP99Ms: side.warm?.overall.p99 ?? null,
  };
}

/**
 * Runs the benchmark at each size (HTTP and ingest left out: they do not depend on the archive's
 * size in ways the curve needs) and keeps the size-dependent figures.
 */
export async function runCurve(sizes: readonly number[], options: BenchOptions): Promise<CurvePoint[]> {
  const points: CurvePoint[] = [];
  for (const docs of sizes) {
    options.log(`── curve point: ${docs} documents`);
    const result: BenchResult = await runBench({
      ...options,
      docs,
      skip: new Set([...options.skip, 'http', 'ingest']),
    });
    points.push({
      docs: result.docs,
      production: curveFigures(result.production),
      baseline: curveFigures(result.baseline),
    });
  }
  return points;
}

/** The curve as a text table: one line per size, ours | baseline per figure. */
export function formatCurve(points: readonly CurvePoint[]): string {
  const MB = 1024 * 1024;
  const cell = (a: number | null, b: number | null, scale: number, digits: number) =>
    `${a == null ? '—' : (a / scale).toFixed(digits)} | ${b == null ? '—' : (b / scale).toFixed(digits)}`;
  const header = [
    'docs',
    'build s',
    'stored MB',
    'heap MB',
    'cold ms',
    'peak RSS MB',
    'warm p50 ms',
    'warm p99 ms',
  ];
  const rows = points.map((p) => {
    const o = p.production;
    const b = p.baseline;
    return [
      String(p.docs),
      cell(o.buildMs, b.buildMs, 1000, 1),
      cell(o.snapshotStoredBytes, b.snapshotStoredBytes, MB, 0),
      cell(o.indexHeapBytes, b.indexHeapBytes, MB, 0),
      cell(o.coldStartMs, b.coldStartMs, 1, 0),
      cell(o.peakRssBytes, b.peakRssBytes, MB, 0),
      cell(o.warmP50Ms, b.warmP50Ms, 1, 2),
      cell(o.warmP99Ms, b.warmP99Ms, 1, 2),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return ['growth curve (each cell: production | baseline)', line(header), ...rows.map(line)].join('\n');
}
