/**
 * Store failures that say "try again later" rather than "this request is wrong": DynamoDB
 * throttling and capacity errors, its 5xx, and network timeouts or refusals. The SDK has already
 * retried these (bounded, with jitter; {@link DYNAMO_RETRY}) when they reach the caller, which
 * answers 503 with `Retry-After` instead of a 500.
 */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'AbortError',
]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** Attempts and timeouts of the DynamoDB client (the SDK's standard retry mode: full jitter). */
export const DYNAMO_RETRY = {
  maxAttempts: 4,
  /** Per HTTP attempt; a stalled connection fails over to the next attempt. */
  requestTimeoutMs: 3000,
  /** With an endpoint override (dynalite in process, DynamoDB Local). */
  localRequestTimeoutMs: 30_000,
  connectionTimeoutMs: 1000,
} as const;

/** Seconds a client is told to wait (`Retry-After`) after a transient store failure. */
export const RETRY_AFTER_SECONDS = 1;

export function isTransientStoreError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $retryable, $metadata } = error as {
    name?: unknown;
    code?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  if ($retryable) return true;
  const status = $metadata?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isTransientStoreError(cause);
}
