import { MAX_FACET_BUCKETS } from '../query/limits';
import type { DayCounter } from './histogram';

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
  language: FacetBucket[];
}

/** Interned values of one facet dimension: value ↔ small integer code. */
export class ValueTable {
  private readonly values: string[] = [];
  private readonly codes = new Map<string, number>();

  get size(): number {
    return this.values.length;
  }

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  value(code: number): string {
    return this.values[code] as string;
  }
}

/** A growable Int32Array indexed by short id. */
export class CodeColumn {
  private data = new Int32Array(1024);

  get(shortId: number): number {
    return this.data[shortId] ?? NO_VALUE;
  }

  set(shortId: number, code: number): void {
    if (shortId >= this.data.length) {
      const grown = new Int32Array(Math.max(shortId + 1, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[shortId] = code;
  }

  /** The backing array (entries past the highest id set are 0; read only ids that were set). */
  get codes(): Int32Array {
    return this.data;
  }
}

/** Code of a missing place or source. */
export const NO_VALUE = -1;

/**
 * Facet values of the indexed articles by MiniSearch short id, as codes: counting a broad query's
 * 100k hits is then three array increments per hit instead of string-keyed Map updates.
 */
export class FacetCodes {
  readonly months = new ValueTable();
  readonly places = new ValueTable();
  readonly sources = new ValueTable();
  readonly languages = new ValueTable();
  readonly month = new CodeColumn();
  readonly place = new CodeColumn();
  readonly source = new CodeColumn();
  readonly language = new CodeColumn();

  /** Records an article's values (`publishedAt` is UTC, so its first 7 characters are the month). */
  set(
    shortId: number,
    doc: { publishedAt: string; place: string | null; source: string | null; language: string },
  ): void {
    this.month.set(shortId, this.months.code(doc.publishedAt.slice(0, 7)));
    this.place.set(shortId, doc.place ? this.places.code(doc.place) : NO_VALUE);
    this.source.set(shortId, doc.source ? this.sources.code(doc.source) : NO_VALUE);
    this.language.set(shortId, doc.language ? this.languages.code(doc.language) : NO_VALUE);
  }
}

/** Counting by local day for a histogram: the counter and each article's publication instant. */
export interface DayCounting {
  counter: DayCounter;
  timeOf(shortId: number): number;
}

/** Accumulates facet counts in O(1) per document (and its local day, when a histogram is asked for). */
export class FacetCounter {
  private readonly codes: FacetCodes;
  private readonly month: Int32Array;
  private readonly place: Int32Array;
  private readonly source: Int32Array;
  private readonly language: Int32Array;
  private readonly days: DayCounting | null;

  /** Counts articles of `codes`; no articles may be added to it while this counter is in use. */
  constructor(codes: FacetCodes, days: DayCounting | null = null) {
    this.codes = codes;
    this.month = new Int32Array(codes.months.size);
    this.place = new Int32Array(codes.places.size);
    this.source = new Int32Array(codes.sources.size);
    this.language = new Int32Array(codes.languages.size);
    this.days = days;
  }

  add(shortId: number): void {
    const { codes } = this;
    const month = codes.month.codes[shortId] as number;
    this.month[month] = (this.month[month] as number) + 1;
    const place = codes.place.codes[shortId] as number;
    if (place !== NO_VALUE) this.place[place] = (this.place[place] as number) + 1;
    const source = codes.source.codes[shortId] as number;
    if (source !== NO_VALUE) this.source[source] = (this.source[source] as number) + 1;
    const language = codes.language.codes[shortId] as number;
    if (language !== NO_VALUE) this.language[language] = (this.language[language] as number) + 1;
    if (this.days) this.days.counter.add(this.days.timeOf(shortId));
  }

  /** Untruncated counts by value, for merging the counts of several partitions. */
  counts(): FacetCounts {
    return {
      month: entries(this.month, this.codes.months),
      place: entries(this.place, this.codes.places),
      source: entries(this.source, this.codes.sources),
      language: entries(this.language, this.codes.languages),
      ...(this.days ? { day: this.days.counter.counts() } : {}),
    };
  }

  result(): Facets {
    return facetsFromCounts(this.counts());
  }
}

/** Facet counts by value, untruncated and unordered. */
export interface FacetCounts {
  month: [string, number][];
  place: [string, number][];
  source: [string, number][];
  language: [string, number][];
  /** Local dates (`YYYY-MM-DD`) of the histogram's time zone; present when a histogram was asked for. */
  day?: [string, number][];
}

/** The response's facets from counts: months in order, places and sources most frequent first. */
export function facetsFromCounts(counts: FacetCounts): Facets {
  const buckets = (all: [string, number][]) => all.map(([value, count]) => ({ value, count }));
  return {
    month: buckets(counts.month).sort((a, b) => (a.value < b.value ? -1 : 1)),
    place: top(buckets(counts.place)),
    source: top(buckets(counts.source)),
    language: top(buckets(counts.language)),
  };
}

function entries(counts: Int32Array, table: ValueTable): [string, number][] {
  const out: [string, number][] = [];
  for (let code = 0; code < counts.length; code++) {
    const count = counts[code] as number;
    if (count > 0) out.push([table.value(code), count]);
  }
  return out;
}

function top(all: FacetBucket[]): FacetBucket[] {
  return all.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, MAX_FACET_BUCKETS);
}
