import { DateTime } from 'luxon';
import { resolveTimeZone } from '../documents/histogram';
import type { IndexedArticle } from '../documents/indexed-article';
import { SearchRequestError } from './search-error';

/** Filters of a search, with date bounds resolved to inclusive epoch milliseconds. */
export interface Filters {
  fromMs: number | null;
  toMs: number | null;
  place: string | null;
  source: string | null;
  language: string | null;
  tags: string[];
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/**
 * Parses a `from`/`to` bound: a date (`2024-11-27`) or a date-time, in `zone` (UTC by default)
 * unless an offset is given. A date-only `to` includes the whole day.
 */
export function parseDateBound(value: string, bound: 'from' | 'to', zone = 'utc'): number {
  const dateOnly = DATE_ONLY.test(value);
  if (!dateOnly && !DATE_TIME.test(value)) {
    throw new SearchRequestError(
      'invalid_date',
      `${bound} must be a date (YYYY-MM-DD) or an ISO 8601 date-time`,
      { parameter: bound, value },
    );
  }
  const parsed = DateTime.fromISO(value, { zone, setZone: true });
  if (!parsed.isValid) {
    throw new SearchRequestError(
      'invalid_date',
      `${bound} is not a valid date: ${parsed.invalidExplanation}`,
      {
        parameter: bound,
        value,
      },
    );
  }
  const ms = parsed.toMillis();
  return dateOnly && bound === 'to' ? parsed.plus({ days: 1 }).toMillis() - 1 : ms;
}

/**
 * Article values (places, sources, languages, tags) repeat a lot, and filtering normalises one per
 * candidate: memoised, bounded so that odd values cannot grow it without limit.
 */
const normalised = new Map<string, string>();
const MAX_NORMALISED = 50_000;

/** Normalises a facet/filter value for case- and accent-insensitive equality. */
export function normaliseValue(value: string): string {
  let out = normalised.get(value);
  if (out === undefined) {
    out = value
      .normalize('NFKD')
      .replace(/\p{Mn}/gu, '')
      .toLowerCase()
      .trim();
    if (normalised.size >= MAX_NORMALISED) normalised.clear();
    normalised.set(value, out);
  }
  return out;
}

export interface FilterInput {
  from?: string | undefined;
  to?: string | undefined;
  place?: string | undefined;
  source?: string | undefined;
  language?: string | undefined;
  tags?: string[] | undefined;
  /** IANA zone of date-only and offset-less bounds (and of the histogram's days); UTC by default. */
  tz?: string | undefined;
}

/** Resolves request filters; throws SearchRequestError on bad values or an empty range. */
export function resolveFilters(input: FilterInput): Filters {
  const zone = resolveTimeZone(input.tz);
  const fromMs = input.from ? parseDateBound(input.from, 'from', zone) : null;
  const toMs = input.to ? parseDateBound(input.to, 'to', zone) : null;
  if (fromMs !== null && toMs !== null && fromMs > toMs) {
    throw new SearchRequestError('invalid_range', 'from is after to', { from: input.from, to: input.to });
  }
  return {
    fromMs,
    toMs,
    place: input.place ? normaliseValue(input.place) : null,
    source: input.source ? normaliseValue(input.source) : null,
    language: input.language ? normaliseValue(input.language) : null,
    tags: (input.tags ?? []).map(normaliseValue).filter((t) => t !== ''),
  };
}

/** True when no filter other than the date range is set (the date range is served by binary search). */
export function onlyDateFilters(f: Filters): boolean {
  return f.place === null && f.source === null && f.language === null && f.tags.length === 0;
}

/** True when any filter is set (date bounds included). */
export function hasFilters(f: Filters): boolean {
  return f.fromMs !== null || f.toMs !== null || !onlyDateFilters(f);
}

/** Whether an article passes the filters; `time` is its publication instant in epoch ms. */
export function passes(f: Filters, doc: IndexedArticle, time: number): boolean {
  if (f.fromMs !== null && time < f.fromMs) return false;
  if (f.toMs !== null && time > f.toMs) return false;
  if (f.place !== null && (doc.place === null || normaliseValue(doc.place) !== f.place)) return false;
  if (f.source !== null && (doc.source === null || normaliseValue(doc.source) !== f.source)) return false;
  if (f.language !== null) {
    // `en` also selects regional variants such as `en-GB`.
    const lang = normaliseValue(doc.language);
    if (lang !== f.language && !lang.startsWith(`${f.language}-`)) return false;
  }
  if (f.tags.length > 0) {
    const tags = doc.tags.map(normaliseValue);
    if (!f.tags.every((t) => tags.includes(t))) return false;
  }
  return true;
}
