import { OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { Hono } from 'hono';
import { ERROR_CODES, type ErrorCode } from '../error-codes';
import { MAX_BATCH_BYTES, MAX_BATCH_ITEMS, MAX_DISPATCH_BYTES, MAX_ID_LENGTH } from '../limits';
import { ingestQuerySchema } from '../routes/dispatches';
import { ExportOnlyParams } from '../routes/export';
import { SearchParams, SuggestParams } from '../routes/search';
import { SimilarParams } from '../routes/similar';
import { alertRoutes } from './alert-routes';
import {
  Article,
  ErrorResponse,
  HealthResponse,
  IngestBatch,
  IngestSingle,
  SearchResponse,
  StoryResponse,
  SuggestResponse,
  Takedown,
} from './schemas';

/**
 * The OpenAPI 3.1 description of the API, generated (@hono/zod-openapi's registry) from the zod
 * schemas the routes validate requests with (`SearchParams`, `SuggestParams`, `ingestQuerySchema`,
 * `ExportOnlyParams`) and the answer schemas of schemas.ts. Served at `GET /openapi.json`, with an
 * interactive reference (Scalar) at `GET /docs`. Tests check that every route of the app is here
 * and the reverse, that the document validates, and that real answers conform to it.
 */

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The error answers of a route, one per status, naming the codes it may carry. */
function errors(...codes: ErrorCode[]): RouteConfig['responses'] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CODES[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      json(ErrorResponse, list.map((code) => `\`${code}\`: ${ERROR_CODES[code][1]}`).join('; ')),
    ]),
  );
}

const ArticleId = z.object({
  id: z
    .string()
    .min(1)
    .max(MAX_ID_LENGTH)
    .openapi({ param: { name: 'id', in: 'path' }, example: '6153ff3e9bb4fabb69117304' }),
});

const searchErrors = [
  'invalid_parameters',
  'invalid_query',
  'invalid_date',
  'invalid_range',
  'invalid_time_zone',
  'too_many_buckets',
  'invalid_cursor',
  'cursor_mismatch',
] as const satisfies ErrorCode[];

/** The local server's guard (packages/local http-guards): too many failed keys from one address. */
const rateLimited = {
  429: json(
    z.object({
      error: z.object({ code: z.literal('rate_limited'), message: z.string() }).catchall(z.unknown()),
    }),
    '`rate_limited` (local server): too many write requests with a wrong key from this address; retry later',
  ),
};

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

/** Every documented route (the app's own, minus the document and its reference page). */
export const API_ROUTES: RouteConfig[] = [
  {
    method: 'post',
    path: '/dispatches',
    tags: ['Ingest'],
    summary: 'Upload one dispatch or a batch',
    description:
      `One raw dispatch (text/plain, at most ${MAX_DISPATCH_BYTES} bytes), one JSON dispatch, or a batch ` +
      `(a JSON array or NDJSON, at most ${MAX_BATCH_ITEMS} items and ${MAX_BATCH_BYTES} bytes). In a batch ` +
      'a bad item fails alone and is reported in `results`.',
    security: [{ ingestKey: [] }],
    request: {
      query: ingestQuerySchema,
      body: {
        required: true,
        content: {
          'text/plain': { schema: z.string().openapi({ description: 'A raw dispatch' }) },
          'application/json': {
            schema: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).openapi({
              description:
                'A dispatch object (title, body, publishedAt or localTime with place or timeZone, …) or an array of them',
            }),
          },
          'application/x-ndjson': { schema: z.string().openapi({ description: 'One dispatch a line' }) },
        },
      },
    },
    responses: {
      201: json(IngestSingle, 'Stored as a new article'),
      200: json(
        z.union([IngestSingle, IngestBatch]),
        'Unchanged or updated (one dispatch), or the results of a batch',
      ),
      ...errors(
        'malformed',
        'invalid_parameters',
        'unauthorized',
        'taken_down',
        'conflict',
        'too_large',
        'unsupported_media_type',
        'missing_dateline',
        'missing_title',
        'empty_body',
        'unknown_place',
        'invalid_time',
        'invalid_field',
      ),
      ...rateLimited,
    },
  },
  {
    method: 'get',
    path: '/articles/{id}',
    tags: ['Articles'],
    summary: 'Read an article',
    request: { params: ArticleId },
    responses: { 200: json(Article, 'The article'), ...errors('invalid_id', 'not_found') },
  },
  {
    method: 'delete',
    path: '/articles/{id}',
    tags: ['Articles'],
    summary: 'Take an article down',
    description:
      'It leaves reads and search; replaying its upload does not bring it back without `?restore=true`.',
    security: [{ ingestKey: [] }],
    request: { params: ArticleId },
    responses: {
      200: json(Takedown, 'Taken down'),
      ...errors('invalid_id', 'unauthorized', 'not_found'),
      ...rateLimited,
    },
  },
  {
    method: 'get',
    path: '/articles/{id}/similar',
    tags: ['Search'],
    summary: 'Related coverage: the articles most like this one',
    description: "In the /search answer's shape, without the article and its near-copies (its story).",
    request: { params: ArticleId, query: SimilarParams },
    responses: {
      200: json(SearchResponse, 'The most similar articles'),
      ...errors('invalid_id', 'not_found', ...searchErrors),
    },
  },
  {
    method: 'get',
    path: '/stories/{id}',
    tags: ['Articles'],
    summary: "A story's members, oldest first, with what each changed",
    request: { params: ArticleId },
    responses: { 200: json(StoryResponse, 'The story'), ...errors('invalid_id', 'not_found') },
  },
  ...alertRoutes(json, errors, rateLimited),
  {
    method: 'get',
    path: '/search',
    tags: ['Search'],
    summary: 'Search the archive',
    description:
      'Full-text search with filters, facets, sort, cursor paging and an optional histogram over the whole ' +
      'filtered result set. The query language and limits are in docs/SEARCH.md.',
    request: { query: SearchParams },
    responses: { 200: json(SearchResponse, 'A page of results'), ...errors(...searchErrors) },
  },
  {
    method: 'get',
    path: '/suggest',
    tags: ['Search'],
    summary: 'Completions for a search box',
    request: { query: SuggestParams },
    responses: {
      200: json(SuggestResponse, 'Completions of the last word'),
      ...errors('invalid_parameters', 'invalid_query'),
    },
  },
  ...(['atom', 'rss', 'json'] as const).map(
    (format): RouteConfig => ({
      method: 'get',
      path: `/feed.${format}`,
      tags: ['Feeds and exports'],
      summary: `The newest matches of a search as ${format === 'json' ? 'a JSON Feed' : format === 'atom' ? 'an Atom feed' : 'an RSS feed'}`,
      request: { query: SearchParams },
      responses: {
        200: {
          description: 'The feed (ETag and Last-Modified set)',
          content: {
            [format === 'json'
              ? 'application/feed+json'
              : format === 'atom'
                ? 'application/atom+xml'
                : 'application/rss+xml']: {
              schema: format === 'json' ? z.record(z.string(), z.unknown()) : z.string(),
            },
          },
        },
        304: { description: 'Not modified since the ETag or date given' },
        ...errors(...searchErrors),
      },
    }),
  ),
  {
    method: 'get',
    path: '/export',
    tags: ['Feeds and exports'],
    summary: 'Every match of a search, streamed',
    request: { query: SearchParams.omit({ limit: true }).extend(ExportOnlyParams.shape) },
    responses: {
      200: {
        description:
          'One article a line (NDJSON) or CSV with a header; X-Total-Count gives the number of rows',
        content: { 'application/x-ndjson': { schema: z.string() }, 'text/csv': { schema: z.string() } },
      },
      ...errors(...searchErrors, 'too_many_exports'),
    },
  },
  {
    method: 'get',
    path: '/health',
    tags: ['Operations'],
    summary: 'Status, article count and the index',
    responses: {
      200: json(HealthResponse, '`ok`, or `degraded` with the quarantined items'),
      503: json(HealthResponse, '`error`: a dependency is unavailable'),
    },
  },
  {
    method: 'get',
    path: '/',
    tags: ['Pages'],
    summary: "The reader's search page (HTML)",
    request: {
      query: z.object({
        q: z.string().optional(),
        place: z.string().optional(),
        source: z.string().optional(),
        language: z.string().optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        sort: z.enum(['relevance', 'newest', 'oldest']).optional(),
        cursor: z.string().optional(),
        stories: z
          .enum(['all'])
          .optional()
          .describe('`all`: every dispatch; by default copies of a story are one result (`collapse=story`)'),
      }),
    },
    responses: {
      200: html('Results rendered on the server'),
      400: html('The refusal of the query, shown on the page'),
    },
  },
  {
    method: 'get',
    path: '/read/{id}',
    tags: ['Pages'],
    summary: "The reader's article page (HTML)",
    request: { params: ArticleId },
    responses: { 200: html('The article and its related coverage'), 404: html('No such article') },
  },
  {
    method: 'get',
    path: '/story/{id}',
    tags: ['Pages'],
    summary: "The reader's story page (HTML)",
    request: { params: z.object({ id: z.string().describe('A story id (`storyId`)') }) },
    responses: {
      200: html('The dispatches of the story, oldest first, with the sentences each changed'),
      404: html('No such story'),
    },
  },
];

/** The document itself (built once: the routes do not change while the process runs). */
export function openApiDocument(): ReturnType<OpenAPIHono['getOpenAPI31Document']> {
  const registry = new OpenAPIHono();
  registry.openAPIRegistry.registerComponent('securitySchemes', 'ingestKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An ingest key (`dak_…`), created with `npm run archive -- keys create <name>`; the `/alerts` ' +
      'routes also take a key created with `--scope alerts`, which may do nothing else',
  });
  for (const route of API_ROUTES) registry.openAPIRegistry.registerPath(route);
  return registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Dispatch archive',
      version: '1',
      description:
        'Archive and search news dispatches. Every error is JSON `{"error": {"code", "message", "details"?}}`; ' +
        'no input makes the API answer 5xx.',
    },
  });
}

let cached: ReturnType<typeof openApiDocument> | null = null;

/** `GET /openapi.json` and the interactive reference at `GET /docs`. */
export function registerDocsRoutes(app: Hono): void {
  app.get('/openapi.json', (c) => {
    cached ??= openApiDocument();
    return c.json(cached);
  });
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Dispatch archive API' }));
}
