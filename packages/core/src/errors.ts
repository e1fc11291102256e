/**
 * Typed validation errors. Every rejection the core makes is one of these, so adapters can
 * map them to HTTP statuses without string matching.
 */
export type ValidationErrorCode =
  | 'malformed' // cannot be read at all (bad JSON, not text) -> 400
  | 'missing_dateline'
  | 'missing_title'
  | 'empty_body'
  | 'invalid_time'
  | 'unknown_place'
  | 'invalid_field'
  | 'too_large'; // -> 413

export interface ValidationErrorDetails {
  /** Which field or line the problem is in (e.g. `dateline`, `body`, `publishedAt`). */
  field?: string;
  /** What was expected, in words or as a format, e.g. `DD-MM-YYYY hh:mm AM|PM <Place> Timing`. */
  expected?: string;
  /** The offending value, truncated for display. */
  received?: string;
  [key: string]: unknown;
}

export class DispatchValidationError extends Error {
  override readonly name = 'DispatchValidationError';
  constructor(
    readonly code: ValidationErrorCode,
    message: string,
    readonly details: ValidationErrorDetails = {},
  ) {
    super(message);
  }

  toJSON(): { code: ValidationErrorCode; message: string; details: ValidationErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
