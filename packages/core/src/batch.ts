import { DispatchValidationError } from './errors';
import type { DispatchInput } from './parse-dispatch';

/** A batch holds at most this many dispatches, and its body at most this many bytes. */
export const BATCH_LIMITS = { maxItems: 500, maxBytes: 5 * 1024 * 1024 } as const;

/** One item of a batch: a dispatch to parse, or the reason it could not even be read. */
export type BatchItem =
  | { index: number; input: DispatchInput }
  | { index: number; error: DispatchValidationError };

function itemFromValue(value: unknown, index: number): BatchItem {
  if (typeof value === 'string') return { index, input: { kind: 'text', text: value } };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return { index, input: { kind: 'json', value } };
  }
  return {
    index,
    error: new DispatchValidationError(
      'malformed',
      'A batch item must be a JSON dispatch object or a raw dispatch string.',
      {
        received: Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value,
      },
    ),
  };
}

function checkCount(count: number): void {
  if (count > BATCH_LIMITS.maxItems) {
    throw new DispatchValidationError(
      'too_large',
      `A batch holds at most ${BATCH_LIMITS.maxItems} dispatches; this one has ${count}.`,
      {
        limit: BATCH_LIMITS.maxItems,
        received: String(count),
      },
    );
  }
  if (count === 0) {
    throw new DispatchValidationError('empty_body', 'The batch is empty.', {
      expected: 'one or more dispatches',
    });
  }
}

/**
 * Splits a JSON array batch into items: objects are JSON dispatches, strings raw dispatches.
 *
 * @throws DispatchValidationError `too_large` over {@link BATCH_LIMITS.maxItems}, `empty_body` when empty
 */
export function splitJsonArrayBatch(values: readonly unknown[]): BatchItem[] {
  checkCount(values.length);
  return values.map(itemFromValue);
}

/**
 * Splits an NDJSON batch: one JSON value a line (an object, or a string holding a raw dispatch).
 * A line that is not JSON becomes a failed item; the other lines are still processed.
 *
 * @throws DispatchValidationError `too_large` over {@link BATCH_LIMITS.maxItems}, `empty_body` when empty
 */
export function splitNdjsonBatch(text: string): BatchItem[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0);
  checkCount(lines.length);
  return lines.map((line, index) => {
    try {
      return itemFromValue(JSON.parse(line), index);
    } catch {
      return {
        index,
        error: new DispatchValidationError('malformed', `Line ${index + 1} is not valid JSON.`, {
          line: index + 1,
          expected: 'one JSON object, or one JSON string holding a raw dispatch, per line',
        }),
      };
    }
  });
}
