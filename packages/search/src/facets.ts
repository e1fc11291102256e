import type { IndexedArticle } from './archive-index';
import { MAX_FACET_BUCKETS } from './query/limits';

export interface FacetBucket {
  value: string;
  count: number;
}

/** Counts over the whole filtered result set. */
export interface Facets {
  /** `YYYY-MM` (UTC) buckets in chronological order, all of them. */
  month: FacetBucket[];
  /** Most frequent first (ties alphabetical), at most MAX_FACET_BUCKETS. */
  place: FacetBucket[];
  source: FacetBucket[];
}

/** Accumulates facet counts in O(1) per document. */
export class FacetCounter {
  private readonly month = new Map<string, number>();
  private readonly place = new Map<string, number>();
  private readonly source = new Map<string, number>();

  add(doc: IndexedArticle): void {
    bump(this.month, monthOf(doc.publishedAt));
    if (doc.place) bump(this.place, doc.place);
    if (doc.source) bump(this.source, doc.source);
  }

  result(): Facets {
    return {
      month: [...this.month].sort(([a], [b]) => (a < b ? -1 : 1)).map(([value, count]) => ({ value, count })),
      place: top(this.place),
      source: top(this.source),
    };
  }
}

/**
 * `YYYY-MM` of a publication instant, shared per distinct instant string: a broad query counts
 * 100k articles, and slicing a fresh string for each was a measurable share of its allocations.
 */
const months = new Map<string, string>();
const MAX_MONTHS_CACHED = 200_000;

function monthOf(publishedAt: string): string {
  let month = months.get(publishedAt);
  if (month === undefined) {
    month = publishedAt.slice(0, 7);
    if (months.size >= MAX_MONTHS_CACHED) months.clear();
    months.set(publishedAt, month);
  }
  return month;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function top(map: Map<string, number>): FacetBucket[] {
  return [...map]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, MAX_FACET_BUCKETS)
    .map(([value, count]) => ({ value, count }));
}
