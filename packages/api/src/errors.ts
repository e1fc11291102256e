import type { DispatchValidationError } from '@archive/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The body of every error response: `{error: {code, message, details?}}`. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An error the API answers with a given status and JSON body; thrown by routes and middleware. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toBody(): { error: ErrorBody } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

/** HTTP status for a core validation error: unreadable 400, too large 413, parsed but invalid 422. */
export function statusOfValidationError(error: DispatchValidationError): ContentfulStatusCode {
  switch (error.code) {
    case 'malformed':
      return 400;
    case 'too_large':
      return 413;
    default:
      return 422;
  }
}

export function validationErrorBody(error: DispatchValidationError): ErrorBody {
  const details = error.details && Object.keys(error.details).length > 0 ? error.details : undefined;
  return { code: error.code, message: error.message, ...(details ? { details } : {}) };
}
