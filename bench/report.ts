import type { BenchResult, SideFigures } from './harness';
import { QUERY_KINDS } from './queries';
import { ratio } from './stats';

/** The targets at 100k articles, as ours/baseline ratios (the last one an absolute bound). */
export const TARGETS = {
  coldStart: 0.3,
  peakRss: 0.4,
  warmP50: 1.0,
  warmP99: 0.5,
  worstKindP99Ms: 100,
  localStart: 0.5,
  localPeakRss: 0.5,
  // Steady ingest (issue 10): per batch against a whole snapshot of the same archive.
  publishBytes: 0.02,
  publishTime: 0.05,
  refreshTime: 0.05,
  p99UnderIngest: 1.25,
  writeAmplification: 10,
  maxSegmentsPerPartition: 12,
} as const;

type Row = [label: string, ours: string, base: string, ratio: string];
type Pick = (side: SideFigures) => number | null | undefined;

const MB = 1024 * 1024;

function num(value: number | null | undefined, digits: number): string {
  return value == null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

function formatRatio(value: number | null): string {
  return value == null ? '—' : `${value.toFixed(2)}×`;
}

/** The comparison table (plain text, aligned columns) followed by skipped sections and notes. */
export function formatTable(result: BenchResult): string {
  const { production: ours, baseline: base } = result;
  const rows: Row[] = [];
  const addCells = (label: string, cell: (side: SideFigures) => string, ratioValue: number | null): void => {
    rows.push([label, cell(ours), cell(base), formatRatio(ratioValue)]);
  };
  const add = (label: string, pickValue: Pick, digits: number, scale = 1): void => {
    const scaled = (side: SideFigures) => {
      const value = pickValue(side);
      return value == null ? value : value / scale;
    };
    addCells(label, (side) => num(scaled(side), digits), ratio(pickValue(ours), pickValue(base)));
  };
  add('build (s)', (s) => s.buildMs, 2, 1000);
  add('snapshot encode (ms)', (s) => s.snapshotMs, 0);
  add('snapshot raw (MB)', (s) => s.snapshotRawBytes, 1, MB);
  add('snapshot stored (MB)', (s) => s.snapshotStoredBytes, 1, MB);
  add('index heap after build (MB)', (s) => s.indexHeapBytes, 0, MB);
  add('cold start → first answer (ms)', (s) => s.coldStart?.firstAnswerMs, 0);
  add('  of which snapshot load (ms)', (s) => s.coldStart?.loadMs, 0);
  add('cold start peak RSS (MB)', (s) => s.coldStart?.peakRssBytes, 0, MB);
  add('warm p50 (ms)', (s) => s.warm?.overall.p50, 2);
  add('warm p95 (ms)', (s) => s.warm?.overall.p95, 2);
  add('warm p99 (ms)', (s) => s.warm?.overall.p99, 2);
  add('worst per-kind p99 (ms)', (s) => s.warm?.worstKindP99, 2);
  for (const kind of QUERY_KINDS) {
    addCells(
      `  ${kind} p50 / p99 (ms)`,
      (side) =>
        side.warm ? `${num(side.warm.byKind[kind].p50, 2)} / ${num(side.warm.byKind[kind].p99, 2)}` : '—',
      ratio(ours.warm?.byKind[kind].p99, base.warm?.byKind[kind].p99),
    );
  }
  addCells(
    'queries with no hit (%)',
    (side) => num(side.warm ? side.warm.zeroHitShare * 100 : null, 1),
    null,
  );
  add('HTTP requests/s', (s) => s.http?.requestsPerSecond, 0);
  add('HTTP p99 (ms)', (s) => s.http?.latencyP99Ms, 1);
  add('ingest dispatches/s', (s) => s.ingest?.dispatchesPerSecond, 0);
  add('ingest → searchable p50 (ms)', (s) => s.ingest?.toSearchable.p50, 0);
  add('ingest → searchable p95 (ms)', (s) => s.ingest?.toSearchable.p95, 0);
  const local = result.localStart;
  rows.push(
    [
      'npm start → first /search (ms)',
      num(local?.firstAnswerMs, 0),
      num(local?.baselineFirstAnswerMs, 0),
      formatRatio(result.ratios.localStart),
    ],
    [
      'npm start peak RSS (MB)',
      num(local ? local.peakRssBytes / MB : null, 0),
      num(local ? local.baselinePeakRssBytes / MB : null, 0),
      formatRatio(result.ratios.localPeakRss),
    ],
  );

  const header: Row = [`${result.docs} documents`, ours.name, base.name, 'ours/base'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (r: Row) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];

  for (const [name, side] of [
    ['production', ours],
    ['baseline', base],
  ] as const) {
    for (const [section, reason] of Object.entries(side.skipped)) out.push(`${name} ${section}: ${reason}`);
  }
  if (local) {
    out.push(
      `local start: baseline column is loadJSON + first search in a fresh process; load average ${local.loadavg.before.toFixed(2)} → ${local.loadavg.after.toFixed(2)}`,
    );
  } else out.push('local start: skipped (--skip)');
  for (const note of result.notes) out.push(`note: ${note}`);
  out.push(...targetLines(result));
  return out.join('\n');
}

/** One line per target: the measured figure and whether it is met. */
export function targetLines(result: BenchResult): string[] {
  const check = (label: string, value: number | null, limit: number, unit = '×') =>
    value == null
      ? `target ${label} ≤ ${limit}${unit}: not measured`
      : `target ${label} ≤ ${limit}${unit}: ${value.toFixed(2)}${unit} ${value <= limit ? 'met' : 'NOT met'}`;
  return [
    check('cold start', result.ratios.coldStart, TARGETS.coldStart),
    check('peak RSS', result.ratios.peakRss, TARGETS.peakRss),
    check('warm p50', result.ratios.warmP50, TARGETS.warmP50),
    check('warm p99', result.ratios.warmP99, TARGETS.warmP99),
    check('worst per-kind p99', result.production.warm?.worstKindP99 ?? null, TARGETS.worstKindP99Ms, ' ms'),
    check('npm start → first /search', result.ratios.localStart, TARGETS.localStart),
    check('npm start peak RSS', result.ratios.localPeakRss, TARGETS.localPeakRss),
    ...steadyTargetLines(result, check),
  ];
}

function steadyTargetLines(
  result: BenchResult,
  check: (label: string, value: number | null, limit: number, unit?: string) => string,
): string[] {
  const steady = result.steady;
  const r = steady?.ratios;
  return [
    check('steady publishBytes', r?.publishBytes ?? null, TARGETS.publishBytes),
    check('steady publishTime', r?.publishTime ?? null, TARGETS.publishTime),
    check('steady refreshTime', r?.refreshTime ?? null, TARGETS.refreshTime),
    check('steady p99 under ingest', r?.p99UnderIngest ?? null, TARGETS.p99UnderIngest),
    check(
      `steady write amplification (0 → ${steady?.growth?.articles ?? '?'})`,
      steady?.writeAmplification ?? null,
      TARGETS.writeAmplification,
      '',
    ),
    check(
      'steady segments per partition',
      steady?.maxSegmentsPerPartition ?? null,
      TARGETS.maxSegmentsPerPartition,
      '',
    ),
  ];
}
