import type { ArticleDraft } from './article';
import type { Diagnostic } from './diagnostics';
import { DispatchValidationError } from './errors';

/** One dispatch as received: raw text (the wire format) or a decoded JSON value. */
export type DispatchInput = { kind: 'text'; text: string } | { kind: 'json'; value: unknown };

export interface ParseOptions {
  /** Zone for sources whose times carry neither offset nor place (CLI `--time-zone`). */
  defaultTimeZone?: string;
  /** Source to record when the dispatch names none. */
  defaultSource?: string;
}

export type ParseResult =
  | { ok: true; draft: ArticleDraft; diagnostics: Diagnostic[] }
  | { ok: false; error: DispatchValidationError };

/** Parses one dispatch. Never throws: any input yields an article draft or a typed error. */
export function parseDispatch(_input: DispatchInput, _options: ParseOptions = {}): ParseResult {
  return {
    ok: false,
    error: new DispatchValidationError('malformed', 'parser not yet implemented'),
  };
}
