/** A request the engine refuses (bad filter value, foreign cursor); the API maps it to a 400. */
export class SearchRequestError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SearchRequestError';
    this.code = code;
    this.details = details;
  }
}
