/**
 * Every `error.code` the API answers with, its HTTP status and when. The OpenAPI document lists
 * them (the error schema's enum and each route's responses), the conformance test fails on a code
 * that is not here, and the README's error table is checked against this list.
 */
export const ERROR_CODES = {
  malformed: { status: 400, when: 'the body cannot be read: bad JSON, not UTF-8' },
  invalid_parameters: { status: 400, when: 'a query parameter has a bad value (details.issues names each)' },
  invalid_query: { status: 400, when: 'q does not parse (details.reason, details.position)' },
  invalid_id: { status: 400, when: 'an article id that cannot be one (empty, too long, control characters)' },
  invalid_date: { status: 400, when: 'from or to is not a date or ISO 8601 date-time' },
  invalid_range: { status: 400, when: 'from is after to' },
  invalid_time_zone: { status: 400, when: 'tz is not an IANA time zone' },
  too_many_buckets: { status: 400, when: 'the histogram would have more than 1000 buckets' },
  invalid_cursor: { status: 400, when: 'cursor is not one this API issued' },
  cursor_mismatch: { status: 400, when: 'cursor belongs to another query, filters or sort' },
  bad_request: { status: 400, when: 'any other unreadable request' },
  unauthorized: { status: 401, when: 'a write route without a valid ingest key' },
  not_found: { status: 404, when: 'unknown or taken-down article, unknown route' },
  taken_down: { status: 409, when: 'upload of a taken-down article without ?restore=true' },
  conflict: { status: 409, when: 'a concurrent upload of the same dispatch won; retry' },
  too_large: { status: 413, when: 'over a size limit' },
  unsupported_media_type: { status: 415, when: 'a Content-Type other than the three accepted, or not UTF-8' },
  missing_dateline: { status: 422, when: 'the dispatch gives no time' },
  missing_title: { status: 422, when: 'the dispatch has no title' },
  empty_body: { status: 422, when: 'the dispatch has no text' },
  unknown_place: { status: 422, when: 'a dateline place with no known time zone (and no zone given)' },
  invalid_time: { status: 422, when: 'a time that cannot be read or does not exist' },
  invalid_field: { status: 422, when: 'a JSON field of the wrong type or shape' },
  unavailable: { status: 503, when: 'a dependency (store) is unavailable' },
  internal: { status: 500, when: 'a bug; never the answer to any input' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
