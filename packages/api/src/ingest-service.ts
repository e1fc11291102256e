import type { Article } from '../../core/src/article';
import type { Diagnostic } from '../../core/src/diagnostics';
import { DispatchValidationError } from '../../core/src/errors';
import {
  type DispatchInput,
  type ParseOptions,
  type ParseResult,
  parseDispatch,
} from '../../core/src/parse-dispatch';
import { type ArticleRepository, ConcurrentWriteError } from '../../store/src/article-repository';
import { type ErrorBody, statusOfValidationError, validationErrorBody } from './errors';
import { BATCH_WRITE_CONCURRENCY, MAX_DISPATCH_BYTES } from './limits';

export type ParseFn = (input: DispatchInput, options?: ParseOptions) => ParseResult;

export interface IngestContext {
  repository: ArticleRepository;
  parseOptions?: ParseOptions;
  /** Defaults to core's `parseDispatch`. */
  parse?: ParseFn;
  /** Bring back taken-down articles (`?restore=true`). */
  restore?: boolean;
}

export type IngestResult =
  | {
      status: 'created' | 'updated' | 'unchanged';
      id: string;
      article: Article;
      diagnostics: Diagnostic[];
    }
  | { status: 'failed'; id?: string; httpStatus: 400 | 409 | 413 | 422; error: ErrorBody };

/**
 * Parses one dispatch and stores it. Every problem with the input comes back as a `failed`
 * result (never thrown), so batches can report it per item; only store outages throw.
 */
export async function ingestOne(input: DispatchInput, context: IngestContext): Promise<IngestResult> {
  const size = input.kind === 'text' ? Buffer.byteLength(input.text) : jsonSize(input.value);
  if (size > MAX_DISPATCH_BYTES) {
    return {
      status: 'failed',
      httpStatus: 413,
      error: {
        code: 'too_large',
        message: `a dispatch is at most ${MAX_DISPATCH_BYTES} bytes; this one is ${size}`,
        details: { limit: MAX_DISPATCH_BYTES, received: size },
      },
    };
  }
  const parse = context.parse ?? parseDispatch;
  const parsed = safeParse(parse, input, context.parseOptions);
  if (!parsed.ok) {
    const httpStatus = statusOfValidationError(parsed.error) as 400 | 413 | 422;
    return { status: 'failed', httpStatus, error: validationErrorBody(parsed.error) };
  }
  const { draft, diagnostics } = parsed;
  try {
    const outcome = await context.repository.put(draft, { restore: context.restore ?? false });
    if (outcome.status === 'taken_down') {
      return {
        status: 'failed',
        id: outcome.id,
        httpStatus: 409,
        error: {
          code: 'taken_down',
          message: `article ${outcome.id} was taken down at ${outcome.deletedAt}; upload again with ?restore=true to restore it`,
          details: { id: outcome.id, deletedAt: outcome.deletedAt },
        },
      };
    }
    return { status: outcome.status, id: outcome.article.id, article: outcome.article, diagnostics };
  } catch (error) {
    if (error instanceof ConcurrentWriteError) {
      return {
        status: 'failed',
        id: draft.id,
        httpStatus: 409,
        error: { code: 'conflict', message: error.message, details: { id: draft.id } },
      };
    }
    throw error;
  }
}

/** Ingests many dispatches with bounded concurrency; results keep the input order. */
export async function ingestMany(inputs: DispatchInput[], context: IngestContext): Promise<IngestResult[]> {
  const results: IngestResult[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await ingestOne(inputs[index] as DispatchInput, context);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_WRITE_CONCURRENCY, inputs.length) }, worker));
  return results;
}

export interface IngestSummary {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export function summarize(results: readonly { status: IngestResult['status'] }[]): IngestSummary {
  const summary: IngestSummary = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const result of results) summary[result.status]++;
  return summary;
}

/**
 * The parser promises never to throw; this guard keeps that promise at the boundary anyway,
 * so a parser bug becomes a 422 for that one item rather than a 500 for the request.
 */
function safeParse(parse: ParseFn, input: DispatchInput, options: ParseOptions | undefined): ParseResult {
  try {
    return parse(input, options ?? {});
  } catch (error) {
    return {
      ok: false,
      error: new DispatchValidationError(
        'invalid_field',
        `the dispatch could not be parsed: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
}

function jsonSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return 0;
  }
}
