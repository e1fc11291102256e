import type { ParseOptions } from '@archive/core';
import type { ArticleRepository } from '@archive/store';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import { type Authorize, requireWriteKey } from '../auth';
import { bodyLimitFor, dispatchMediaType, readDispatchBodyInTurns } from '../dispatch-body';
import { ApiError, validationErrorBody } from '../errors';
import {
  type IngestContext,
  type IngestResult,
  ingestMany,
  ingestOne,
  type ParseFn,
  summarize,
} from '../ingest-service';
import { isTimeZone, parseParams } from '../query';
import type { StoryAssigner } from '../story-assigner';

export interface IngestRouteDeps {
  repository: ArticleRepository;
  /** Defaults applied to every dispatch (request query parameters override them). */
  parseOptions?: ParseOptions;
  /** Defaults to core's `parseDispatch`; injectable for fault-injection tests. */
  parse?: ParseFn;
  /** Story detection at ingest (every article gets a `storyId`); absent: no stories. */
  stories?: StoryAssigner;
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/** `POST /dispatches` query: `restore`, and defaults for dispatches that lack a zone or source. */
export const ingestQuerySchema = z.object({
  restore: booleanFlag,
  timeZone: z.string().max(64).refine(isTimeZone, 'not an IANA time zone').optional(),
  source: z.string().min(1).max(200).optional(),
});

const textLimit = limitMiddleware('text');
const batchLimit = limitMiddleware('json');

/**
 * `POST /dispatches`: one dispatch (text/plain, or a JSON object) or a batch (JSON array or
 * NDJSON). Every check that can reject the whole request runs before anything is written.
 */
export function registerDispatchRoutes(
  app: Hono,
  deps: IngestRouteDeps,
  authorize: Authorize | undefined,
): void {
  app.post(
    '/dispatches',
    requireWriteKey(authorize),
    (c, next) =>
      dispatchMediaType(c.req.header('content-type')) === 'text' ? textLimit(c, next) : batchLimit(c, next),
    async (c) => {
      const type = dispatchMediaType(c.req.header('content-type'));
      const query = parseParams(ingestQuerySchema, c.req.query());
      const body = await readDispatchBodyInTurns(type, await c.req.arrayBuffer());
      const context: IngestContext = {
        repository: deps.repository,
        stories: deps.stories,
        parse: deps.parse,
        restore: query.restore,
        parseOptions: {
          ...deps.parseOptions,
          ...(query.timeZone ? { defaultTimeZone: query.timeZone } : {}),
          ...(query.source ? { defaultSource: query.source } : {}),
        },
      };

      if (body.mode === 'single') {
        const result = await ingestOne(body.input, context);
        if (result.status === 'failed') return c.json({ error: result.error }, result.httpStatus);
        const { status, id, article, diagnostics } = result;
        return c.json({ id, status, article, diagnostics }, status === 'created' ? 201 : 200);
      }

      const inputs = body.items.flatMap((item) => ('input' in item ? [item.input] : []));
      const ingested = await ingestMany(inputs, context);
      let next = 0;
      const results = body.items.map((item, index) =>
        batchResult(
          index,
          'input' in item ? (ingested[next++] as IngestResult) : { error: validationErrorBody(item.error) },
        ),
      );
      return c.json({ results, ...summarize(results) }, 200);
    },
  );
}

type BatchResult = { index: number; id?: string; status: IngestResult['status']; error?: unknown };

function batchResult(index: number, result: IngestResult | { error: unknown }): BatchResult {
  if (!('status' in result)) return { index, status: 'failed', error: result.error };
  if (result.status === 'failed') {
    return { index, ...(result.id ? { id: result.id } : {}), status: 'failed', error: result.error };
  }
  return { index, id: result.id, status: result.status };
}

function limitMiddleware(type: 'text' | 'json') {
  const maxSize = bodyLimitFor(type);
  return bodyLimit({
    maxSize,
    onError: (c) => {
      const error = new ApiError(
        413,
        'too_large',
        type === 'text'
          ? `a raw dispatch is at most ${maxSize} bytes`
          : `a request body is at most ${maxSize} bytes (a single dispatch at most ${bodyLimitFor('text')})`,
        { limit: maxSize },
      );
      // The unread rest of the body is still on the socket: close it so no client reuses it.
      return c.json(error.toBody(), 413, { Connection: 'close' });
    },
  });
}
