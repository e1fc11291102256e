import type { DispatchInput } from '@archive/core';
import {
  type BatchItem,
  DispatchValidationError,
  runToEnd,
  type Steps,
  sharedSlices,
  splitJsonArrayBatch,
  splitNdjsonBatch,
} from '@archive/core';
import { ApiError, statusOfValidationError, validationErrorBody } from './errors';
import { MAX_BATCH_BYTES, MAX_DISPATCH_BYTES } from './limits';

/** Media types `POST /dispatches` accepts. */
export type DispatchMediaType = 'text' | 'json' | 'ndjson';

export type DispatchBody = { mode: 'single'; input: DispatchInput } | { mode: 'batch'; items: BatchItem[] };

/**
 * The media type of a `POST /dispatches` request, or a 415. Only UTF-8 is accepted: a declared
 * charset other than UTF-8 is refused rather than misread.
 */
export function dispatchMediaType(contentType: string | undefined): DispatchMediaType {
  const [essence = '', ...params] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  const accepted = 'text/plain, application/json or application/x-ndjson (UTF-8)';
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `charset ${charset} is not supported; send ${accepted}`,
    );
  }
  switch (essence) {
    case 'text/plain':
      return 'text';
    case 'application/json':
      return 'json';
    case 'application/x-ndjson':
    case 'application/ndjson':
    case 'application/jsonl':
      return 'ndjson';
    default:
      throw new ApiError(
        415,
        'unsupported_media_type',
        `Content-Type ${essence || '(none)'} is not supported; send ${accepted}`,
        { accepted: ['text/plain', 'application/json', 'application/x-ndjson'] },
      );
  }
}

/** The body-size limit for a media type: one raw dispatch, or a whole batch. */
export function bodyLimitFor(type: DispatchMediaType): number {
  return type === 'text' ? MAX_DISPATCH_BYTES : MAX_BATCH_BYTES;
}

/**
 * Splits a request body into one dispatch or a batch (core's batch rules). Whole-request
 * problems (bad UTF-8, bad JSON, an empty or oversized batch) throw an {@link ApiError}; a bad
 * NDJSON line or array element becomes a failed item so the rest of the batch still goes in.
 */
export function readDispatchBody(type: DispatchMediaType, bytes: ArrayBuffer): DispatchBody {
  return runToEnd(dispatchBodySteps(type, bytes));
}

/**
 * {@link readDispatchBody} over several turns of the event loop: a batch body is decoded, parsed
 * and split in that many turns, not one. On the development machine the turn that received a
 * 5 MiB body had held the loop 120–160 ms (copying and decoding ~60 ms, parsing ~25 ms, then the
 * first items), what any search sent meanwhile waited.
 */
export async function readDispatchBodyInTurns(
  type: DispatchMediaType,
  bytes: ArrayBuffer,
): Promise<DispatchBody> {
  const steps = dispatchBodySteps(type, bytes);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (bytes.byteLength > MAX_DISPATCH_BYTES) await sharedSlices.nextTurn();
  }
}

function* dispatchBodySteps(type: DispatchMediaType, bytes: ArrayBuffer): Steps<DispatchBody> {
  const text = decodeUtf8(bytes);
  yield;
  if (type === 'text') return { mode: 'single', input: { kind: 'text', text } };
  if (type === 'ndjson') return { mode: 'batch', items: asApiError(() => splitNdjsonBatch(text)) };

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'malformed', `the body is not valid JSON: ${(error as Error).message}`);
  }
  yield;
  if (Array.isArray(value)) return { mode: 'batch', items: asApiError(() => splitJsonArrayBatch(value)) };
  if (Buffer.byteLength(text) > MAX_DISPATCH_BYTES) {
    throw new ApiError(413, 'too_large', `a single dispatch is at most ${MAX_DISPATCH_BYTES} bytes`, {
      limit: MAX_DISPATCH_BYTES,
    });
  }
  if (typeof value === 'string') return { mode: 'single', input: { kind: 'text', text: value } };
  if (value !== null && typeof value === 'object') return { mode: 'single', input: { kind: 'json', value } };
  throw new ApiError(
    400,
    'malformed',
    'send a JSON object (title, body, publishedAt...), an array of them, or a string holding a raw dispatch',
  );
}

function asApiError<T>(split: () => T): T {
  try {
    return split();
  } catch (error) {
    if (error instanceof DispatchValidationError) {
      const body = validationErrorBody(error);
      throw new ApiError(statusOfValidationError(error), body.code, body.message, body.details);
    }
    throw error;
  }
}

function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, 'malformed', 'the body is not valid UTF-8');
  }
}
