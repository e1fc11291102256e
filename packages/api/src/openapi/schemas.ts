import { z } from '@hono/zod-openapi';
import { ERROR_CODES, type ErrorCode } from '../error-codes';

const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/**
 * The shapes of the API's answers, as zod schemas the OpenAPI document is generated from. The
 * conformance test holds the real answers (errors included) to these, so they cannot drift apart.
 */

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODE_NAMES).openapi({ description: 'See the table of error codes in the README.' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

export const Article = z
  .object({
    id: z.string(),
    title: z.string(),
    paragraphs: z.array(z.string()),
    caption: z.string().nullable(),
    publishedAt: z.string().openapi({ description: 'UTC, ISO 8601 with Z', example: '2024-11-27T20:30:00Z' }),
    localTime: z.string().openapi({
      description: "The dateline's wall time with its offset",
      example: '2024-11-27T22:30:00+02:00',
    }),
    timeZone: z.string(),
    place: z.string().nullable(),
    language: z.string(),
    source: z.string().nullable(),
    url: z.string().nullable(),
    tags: z.array(z.string()),
    version: z.number().int().min(1),
    contentHash: z.string(),
    previousHash: z.string().nullable(),
    ingestedAt: z.string(),
    updatedAt: z.string(),
    storyId: z
      .string()
      .optional()
      .openapi({ description: 'The story (follow-ups, corrections) it belongs to' }),
  })
  .openapi('Article');

const Diagnostic = z.object({ code: z.string(), message: z.string() }).catchall(z.unknown());

export const IngestSingle = z
  .object({
    id: z.string(),
    status: z.enum(['created', 'updated', 'unchanged']),
    article: Article,
    diagnostics: z.array(Diagnostic),
  })
  .openapi('IngestResult');

export const IngestBatch = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        id: z.string().optional(),
        status: z.enum(['created', 'updated', 'unchanged', 'failed']),
        error: ErrorResponse.shape.error.optional(),
      }),
    ),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int(),
  })
  .openapi('IngestBatchResult');

export const Takedown = z
  .object({
    id: z.string(),
    status: z.literal('taken_down'),
    version: z.number().int(),
    deletedAt: z.string(),
  })
  .openapi('Takedown');

const Bucket = z.object({ value: z.string(), count: z.number().int() });

export const SearchHit = z
  .object({
    id: z.string(),
    title: z.string(),
    titleHighlighted: z.string().openapi({ description: 'HTML-escaped title, matches in <mark>' }),
    publishedAt: z.string(),
    localTime: z.string(),
    timeZone: z.string().nullable(),
    place: z.string().nullable(),
    source: z.string().nullable(),
    language: z.string(),
    snippet: z.string().openapi({ description: 'HTML-escaped best passage, matches in <mark>' }),
    score: z.number(),
  })
  .catchall(z.unknown())
  .openapi('SearchHit');

export const Histogram = z
  .object({
    interval: z.enum(['day', 'week', 'month', 'year']),
    timeZone: z.string(),
    buckets: z.array(z.object({ start: z.string(), end: z.string(), count: z.number().int() })),
  })
  .openapi('Histogram');

export const SearchResponse = z
  .object({
    query: z.record(z.string(), z.unknown()).openapi({ description: 'The request as understood' }),
    total: z.number().int().openapi({ description: 'Exact number of matches' }),
    results: z.array(SearchHit),
    facets: z.object({
      month: z.array(Bucket),
      place: z.array(Bucket),
      source: z.array(Bucket),
      language: z.array(Bucket),
    }),
    nextCursor: z.string().nullable(),
    indexVersion: z.string(),
    tookMs: z.number(),
    didYouMean: z.string().optional(),
    histogram: Histogram.optional(),
  })
  .catchall(z.unknown())
  .openapi('SearchResponse');

export const SuggestResponse = z
  .object({
    query: z.string(),
    suggestions: z.array(z.object({ text: z.string(), count: z.number().int() })),
  })
  .openapi('SuggestResponse');

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded', 'error']),
    articles: z.number().int().optional(),
    index: z.record(z.string(), z.unknown()).optional(),
    error: ErrorResponse.shape.error.optional(),
  })
  .catchall(z.unknown())
  .openapi('Health');

export const StoryResponse = z
  .object({
    id: z.string(),
    size: z.number().int(),
    sources: z.array(z.string()),
    firstSeen: z.string(),
    lastSeen: z.string(),
    members: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        publishedAt: z.string(),
        place: z.string().nullable(),
        source: z.string().nullable(),
        url: z.string().nullable(),
        version: z.number().int(),
        changes: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }).nullable(),
      }),
    ),
  })
  .openapi('Story');
