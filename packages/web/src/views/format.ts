import { DateTime } from 'luxon';

/**
 * How the page writes times: the dateline as the dispatch gave it (its wall time and offset) and
 * the instant in UTC, both unambiguous to a reader anywhere.
 */

/** `27 Nov 2024, 22:30 (UTC+02:00)` from a local ISO time with its offset. */
export function formatLocal(localTime: string): string {
  const local = DateTime.fromISO(localTime, { setZone: true });
  if (!local.isValid) return localTime;
  const offset = local.offset === 0 ? 'UTC' : `UTC${local.toFormat('ZZ')}`;
  return `${local.toFormat('d LLL yyyy, HH:mm')} (${offset})`;
}

/** `27 Nov 2024, 20:30 UTC`. */
export function formatUtc(instant: string): string {
  const utc = DateTime.fromISO(instant, { zone: 'utc' });
  return utc.isValid ? `${utc.toFormat('d LLL yyyy, HH:mm')} UTC` : instant;
}

/** `27 Nov 2024` for a `YYYY-MM-DD` date. */
export function formatDate(date: string): string {
  const day = DateTime.fromISO(date, { zone: 'utc' });
  return day.isValid ? day.toFormat('d LLL yyyy') : date;
}

/** A number with thousands separators (`21,578`). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

/**
 * Highlighted text from the API (HTML-escaped, `<mark>` its only markup), made safe to insert even
 * if an answer broke that promise: any `<` that does not open or close a mark is escaped.
 */
export function markedHtml(html: string): string {
  return html.replace(/<(?!\/?mark>)/g, '&lt;');
}

/** A link the page may render: http(s) only (an article's `javascript:` URL must never run). */
export function safeHttpUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
