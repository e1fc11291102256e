/** Latency percentiles of a sample, in the sample's unit. */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (`p` in 0..100) of an ascending sorted sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function percentiles(sample: readonly number[]): Percentiles {
  const sorted = [...sample].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
  };
}

/** The median (lower middle for even counts, so it is always an observed value). */
export function median(sample: readonly number[]): number {
  return percentile(
    [...sample].sort((a, b) => a - b),
    50,
  );
}

/** ours / baseline, or null when either side is missing or the baseline is zero. */
export function ratio(ours: number | null | undefined, baseline: number | null | undefined): number | null {
  if (
    ours == null ||
    baseline == null ||
    !Number.isFinite(ours) ||
    !Number.isFinite(baseline) ||
    baseline === 0
  ) {
    return null;
  }
  return ours / baseline;
}
