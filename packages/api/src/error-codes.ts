import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Every error code the API answers with, its status and what it means: one meaning per code. The
 * README's error table is rendered from this list (`errorTable`), and error-codes.test.ts checks
 * that every code thrown in the code is here with this status, and that nothing here is unused.
 */
export const ERROR_CODES = {
  malformed: [
    400,
    'the body cannot be read: not JSON where JSON was sent, not UTF-8, a batch item neither object nor string',
  ],
  invalid_parameters: [
    400,
    'a query parameter is of the wrong type, out of range or not one of its values (`details.issues`)',
  ],
  invalid_query: [
    400,
    'the search query is not valid in the query language (`details.reason`, `details.position`)',
  ],
  invalid_date: [400, '`from` or `to` is not a date (`YYYY-MM-DD`) or an ISO 8601 date-time'],
  invalid_range: [400, '`from` is after `to`'],
  invalid_time_zone: [400, '`tz` is not an IANA time zone'],
  too_many_buckets: [
    400,
    'the histogram would have more buckets than allowed (`details.suggestion`: a coarser interval)',
  ],
  invalid_cursor: [400, '`cursor` is not one this API issued'],
  cursor_mismatch: [400, '`cursor` was issued for another query, filters or sort'],
  invalid_id: [400, 'an article id that cannot be one (empty, too long, not printable)'],
  bad_request: [400, 'a request the HTTP layer refuses before any route reads it'],
  unauthorized: [401, 'a write without a known key (`Authorization: Bearer <key>`)'],
  not_found: [404, 'no such route, or no such article (never stored, or taken down), story or alert'],
  taken_down: [409, 'upload of a taken-down article without `?restore=true`'],
  conflict: [409, 'writers kept racing on one article through every retry; nothing changed, send it again'],
  too_large: [
    413,
    'over a size limit (see Limits), more than 2,000 paragraphs or 5,000 HTML tags in one dispatch included',
  ],
  unsupported_media_type: [415, '`Content-Type` other than the accepted ones, or a charset other than UTF-8'],
  missing_dateline: [422, 'the dispatch has no dateline or no time'],
  missing_title: [422, 'the dispatch has no title'],
  empty_body: [422, 'the dispatch has no body text'],
  invalid_time: [422, 'the dateline time cannot be read or does not exist'],
  unknown_place: [422, 'the dateline place maps to no time zone and none was given'],
  invalid_field: [422, 'a field of a JSON dispatch has the wrong type or value'],
  invalid_alert: [422, 'a field of an alert has the wrong type or value, or is unknown (`details.issues`)'],
  invalid_webhook_url: [
    422,
    'the webhook URL is not allowed: not https (on AWS), with credentials, or a loopback, private or link-local host',
  ],
  too_many_alerts: [409, 'as many alerts as allowed exist (10,000 by default); delete some first'],
  too_many_exports: [429, 'as many exports as allowed are running (`Retry-After`)'],
  rate_limited: [
    429,
    'locally: over 20 writes with a wrong key from one address in a minute (`Retry-After`); on AWS the stage throttle answers 429',
  ],
  internal: [500, 'a bug: logged, nothing half-written'],
  unavailable: [
    503,
    'the store is throttled, timed out or unreachable after bounded retries (`Retry-After`); nothing changed',
  ],
} as const satisfies Record<string, readonly [ContentfulStatusCode, string]>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The README's error table (markdown), by status then code. */
export function errorTable(): string {
  const rows = Object.entries(ERROR_CODES).sort(([a, [sa]], [b, [sb]]) => sa - sb || (a < b ? -1 : 1));
  const cells = rows.map(([code, [status, meaning]]) => [String(status), `\`${code}\``, meaning]);
  const header = ['Status', '`code`', 'Meaning'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n');
}
