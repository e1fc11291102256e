import type { Article, ArticleDraft, Diagnostic } from '@archive/core';
import {
  type DispatchInput,
  DispatchValidationError,
  type ParseOptions,
  type ParseResult,
  parseDispatch,
  sharedSlices,
} from '@archive/core';
import { type ArticleRepository, ConcurrentWriteError, type PutOutcome } from '@archive/store';
import { type ErrorBody, statusOfValidationError, validationErrorBody } from './errors';
import { MAX_DISPATCH_BYTES } from './limits';
import type { StoryAssigner } from './story-assigner';

export type ParseFn = (input: DispatchInput, options?: ParseOptions) => ParseResult;

export interface IngestContext {
  repository: ArticleRepository;
  parseOptions?: ParseOptions;
  /** Defaults to core's `parseDispatch`. */
  parse?: ParseFn;
  /** Bring back taken-down articles (`?restore=true`). */
  restore?: boolean;
  /** Assigns each article its story before it is stored (see story-assigner.ts). */
  stories?: StoryAssigner | undefined;
}

export type IngestResult =
  | {
      status: 'created' | 'updated' | 'unchanged';
      id: string;
      article: Article;
      diagnostics: Diagnostic[];
    }
  | { status: 'failed'; id?: string; httpStatus: 400 | 409 | 413 | 422; error: ErrorBody };

type Prepared = { ok: true; draft: ArticleDraft; diagnostics: Diagnostic[] } | IngestFailure;
type IngestFailure = Extract<IngestResult, { status: 'failed' }>;

/**
 * Parses one dispatch and stores it. Every problem with the input comes back as a `failed`
 * result (never thrown), so batches can report it per item; only store outages throw.
 */
export async function ingestOne(input: DispatchInput, context: IngestContext): Promise<IngestResult> {
  const prepared = prepare(input, context);
  if (!('ok' in prepared)) return prepared;
  await assignStories([prepared.draft], context);
  const settled = await context.repository
    .put(prepared.draft, { restore: context.restore ?? false })
    .then((value): PromiseSettledResult<PutOutcome> => ({ status: 'fulfilled', value }))
    .catch((reason: unknown): PromiseSettledResult<PutOutcome> => ({ status: 'rejected', reason }));
  return resultOf(prepared, settled);
}

/**
 * Ingests many dispatches: parses them all, then stores the valid ones with the repository's
 * batched `putMany` (one batched read for the batch instead of one read per item).
 * Results keep the input order.
 */
export async function ingestMany(inputs: DispatchInput[], context: IngestContext): Promise<IngestResult[]> {
  const prepared: Prepared[] = [];
  for (const [n, input] of inputs.entries()) {
    // Parsing a 5 MiB batch takes longer than any other request may wait: let them in between items,
    // and always before the first (reading the body already took this turn's time, unseen by `due`).
    const pause = n === 0 ? sharedSlices.nextTurn() : sharedSlices.due();
    if (pause) await pause;
    prepared.push(prepare(input, context));
  }
  const valid = prepared.filter((p): p is Extract<Prepared, { ok: true }> => 'ok' in p);
  await assignStories(
    valid.map((p) => p.draft),
    context,
  );
  const settled = await context.repository.putMany(
    valid.map((p) => p.draft),
    { restore: context.restore ?? false },
  );
  let next = 0;
  return prepared.map((p) =>
    'ok' in p ? resultOf(p, settled[next++] as PromiseSettledResult<PutOutcome>) : p,
  );
}

async function assignStories(drafts: ArticleDraft[], context: IngestContext): Promise<void> {
  if (!context.stories || drafts.length === 0) return;
  const stories = await context.stories.assign(drafts);
  for (const draft of drafts) {
    const storyId = stories.get(draft.id);
    if (storyId) draft.storyId = storyId;
  }
}

function prepare(input: DispatchInput, context: IngestContext): Prepared {
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
  const parsed = safeParse(context.parse ?? parseDispatch, input, context.parseOptions);
  if (!parsed.ok) {
    const httpStatus = statusOfValidationError(parsed.error) as 400 | 413 | 422;
    return { status: 'failed', httpStatus, error: validationErrorBody(parsed.error) };
  }
  return { ok: true, draft: parsed.draft, diagnostics: parsed.diagnostics };
}

function resultOf(
  prepared: { draft: ArticleDraft; diagnostics: Diagnostic[] },
  settled: PromiseSettledResult<PutOutcome>,
): IngestResult {
  const { draft, diagnostics } = prepared;
  if (settled.status === 'rejected') {
    const error = settled.reason;
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
  const outcome = settled.value;
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
