import { type BenchQuery, QUERY_KINDS, type QueryKind, type SearchRequest, toSearchRequest } from './queries';
import { type Percentiles, percentiles } from './stats';

export interface WarmLatency {
  /** All measured queries, ms. */
  overall: Percentiles;
  byKind: Record<QueryKind, Percentiles>;
  /** The worst per-kind p99 (the "no query in the mix over 100 ms at p99"). */
  worstKindP99: number;
  /** Share of queries that found nothing: a sanity check that both sides search the same things. */
  zeroHitShare: number;
}

export type SearchFn = (request: SearchRequest) => number | Promise<number>;

/**
 * Warm latency of two sides, paired: each query is answered by both sides back to back (which one
 * goes first alternates), so that on a shared machine both see the same load at the same moment.
 * The warm-up queries are a different draw from the measured ones, so no measured query has been
 * answered before.
 */
export async function measureWarmPaired(
  sides: readonly [SearchFn, SearchFn],
  queries: readonly BenchQuery[],
  warmup: readonly BenchQuery[],
): Promise<[WarmLatency, WarmLatency]> {
  for (const query of warmup) for (const search of sides) await search(toSearchRequest(query));
  const samples = [new Samples(), new Samples()] as const;
  for (const [i, query] of queries.entries()) {
    const request = toSearchRequest(query);
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const side of order) {
      const search = sides[side as 0 | 1];
      const started = performance.now();
      const hits = await search(request);
      samples[side as 0 | 1].add(query.kind, performance.now() - started, hits);
    }
  }
  return [samples[0].summary(), samples[1].summary()];
}

class Samples {
  private readonly byKind = new Map<QueryKind, number[]>(QUERY_KINDS.map((kind) => [kind, []]));
  private readonly all: number[] = [];
  private zeroHits = 0;

  add(kind: QueryKind, elapsedMs: number, hits: number): void {
    this.all.push(elapsedMs);
    this.byKind.get(kind)?.push(elapsedMs);
    if (hits === 0) this.zeroHits++;
  }

  summary(): WarmLatency {
    const byKind = Object.fromEntries(
      QUERY_KINDS.map((kind) => [kind, percentiles(this.byKind.get(kind) ?? [])]),
    ) as Record<QueryKind, Percentiles>;
    const kindP99s = Object.values(byKind)
      .map((p) => p.p99)
      .filter(Number.isFinite);
    return {
      overall: percentiles(this.all),
      byKind,
      worstKindP99: kindP99s.length > 0 ? Math.max(...kindP99s) : Number.NaN,
      zeroHitShare: this.all.length > 0 ? this.zeroHits / this.all.length : 0,
    };
  }
}
