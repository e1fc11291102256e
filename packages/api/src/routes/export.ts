import type { Article } from '@archive/core';
import type { Searcher, SearchHit, SearchRequest } from '@archive/search';
import { MAX_LIMIT } from '@archive/search';
import { stringify } from 'csv-stringify/sync';
import type { Context, Hono } from 'hono';
import { stream } from 'hono/streaming';
import * as z from 'zod';
import { ApiError } from '../errors';
import { invalidParameters, parseParams } from '../query';
import type { ArticleLoader } from './feeds';
import { engineError, rawParams, SearchParams, toSearchRequest } from './search';

/** Most rows one export returns unless configured otherwise (`ARCHIVE_EXPORT_MAX_ROWS`). */
export const DEFAULT_EXPORT_MAX_ROWS = 100_000;
/** Exports running at once in one process; more get a 429 (each walks the index page by page). */
export const DEFAULT_EXPORT_CONCURRENCY = 2;
/** Seconds a refused client is told to wait. */
const RETRY_AFTER_SECONDS = 5;

export interface ExportRoutesOptions {
  getIndex: () => Searcher | Promise<Searcher>;
  /** Full text, source, url and tags of each row; without it rows carry what the index holds. */
  loadArticles?: ArticleLoader;
  maxRows?: number;
  concurrency?: number;
  logError?: (message: string, error: unknown) => void;
}

/** One exported row (the CSV columns, in order). */
export interface ExportRow {
  id: string;
  publishedAt: string;
  title: string;
  place: string | null;
  source: string | null;
  language: string | null;
  tags: string[];
  url: string | null;
  storyId: string | null;
  score: number;
  /** The article's text (caption and paragraphs, blank-line separated), or the snippet without the store. */
  text: string;
}

export const EXPORT_COLUMNS: readonly (keyof ExportRow)[] = [
  'id',
  'publishedAt',
  'title',
  'place',
  'source',
  'language',
  'tags',
  'url',
  'storyId',
  'score',
  'text',
];

function rowOf(
  hit: SearchHit & { source?: string | null; storyId?: string | null },
  article?: Article,
): ExportRow {
  return {
    id: hit.id,
    publishedAt: hit.publishedAt,
    title: hit.title,
    place: hit.place,
    source: article?.source ?? hit.source ?? null,
    language: article?.language ?? null,
    tags: article?.tags ?? [],
    url: article?.url ?? null,
    storyId: (article as { storyId?: string } | undefined)?.storyId ?? hit.storyId ?? null,
    score: hit.score,
    text: article
      ? [article.caption, ...article.paragraphs].filter((p): p is string => !!p).join('\n\n')
      : hit.snippet.replace(/<\/?mark>/g, ''),
  };
}

function csvLines(rows: readonly ExportRow[], header: boolean): string {
  return stringify(
    rows.map((row) => EXPORT_COLUMNS.map((column) => (column === 'tags' ? row.tags.join(';') : row[column]))),
    header ? { header: true, columns: [...EXPORT_COLUMNS] } : {},
  );
}

/**
 * The hits of a request, page by page through the engine's own cursor: memory stays one page
 * whatever the size of the result set. `onTotal` hears the total of the first page.
 */
export async function* exportPages(
  index: Searcher,
  request: SearchRequest,
  maxRows: number,
  onTotal: (total: number) => void,
): AsyncGenerator<SearchHit[]> {
  let cursor: string | undefined = request.cursor;
  let remaining = maxRows;
  let first = true;
  while (remaining > 0) {
    const page = await index.query({ ...request, limit: Math.min(MAX_LIMIT, remaining), cursor });
    if (first) onTotal(page.total);
    first = false;
    if (page.results.length === 0) return;
    remaining -= page.results.length;
    yield page.results;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export const ExportOnlyParams = z.object({
  format: z.enum(['ndjson', 'csv'], { error: 'must be ndjson or csv' }).default('ndjson'),
  max: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1))
    .optional(),
});

/**
 * `GET /export?format=ndjson|csv`: the whole result set of a search (the `/search` parameters;
 * `limit` is ignored, `max` caps the rows, default and ceiling the configured maximum), streamed
 * chunked while the engine is paged internally. Date order (`sort=newest`) is the default: it
 * stays exact when articles arrive during the export, which relevance order cannot promise.
 * `X-Total-Count` says up front how many rows will come (for progress bars).
 */
export function registerExportRoutes(app: Hono, options: ExportRoutesOptions): void {
  const maxRows = options.maxRows ?? DEFAULT_EXPORT_MAX_ROWS;
  const concurrency = options.concurrency ?? DEFAULT_EXPORT_CONCURRENCY;
  let running = 0;

  app.get('/export', async (c: Context) => {
    const raw = rawParams(c);
    const { format: formatParam, max: maxParam, limit: _limit, ...searchRaw } = raw;
    const own = parseParams(ExportOnlyParams, { format: formatParam, max: maxParam });
    const params = parseParams(SearchParams, searchRaw);
    const { format } = own;
    if (own.max !== undefined && own.max > maxRows) {
      throw invalidParameters([{ parameter: 'max', message: `at most ${maxRows} rows per export` }]);
    }
    const limit = own.max ?? maxRows;
    const request: SearchRequest = { ...toSearchRequest(params), sort: params.sort ?? 'newest' };
    const index = await options.getIndex();
    // Check the request (and learn the total) before the 200 is sent: bad queries are 400s.
    let total: number;
    try {
      total = (await index.query({ ...request, limit: 1 })).total;
    } catch (error) {
      throw engineError(error);
    }
    if (running >= concurrency) {
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      throw new ApiError(
        429,
        'too_many_exports',
        `at most ${concurrency} exports run at once; retry shortly`,
        {
          concurrency,
        },
      );
    }
    running++;
    // With a cursor (a resumed export) this is the whole result set's size, an upper bound.
    const rows = Math.min(total, limit);
    c.header(
      'Content-Type',
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    );
    c.header('Content-Disposition', `attachment; filename="export.${format}"`);
    c.header('X-Total-Count', String(rows));
    c.header('Cache-Control', 'no-store');
    return stream(
      c,
      async (out) => {
        try {
          let header = true;
          if (format === 'csv') {
            await out.write(csvLines([], true));
            header = false;
          }
          for await (const hits of exportPages(index, request, limit, () => {})) {
            if (out.aborted) return;
            const loaded = options.loadArticles ? await options.loadArticles(hits.map((h) => h.id)) : [];
            const articles = new Map(loaded.map((a) => [a.id, a]));
            const page = hits.map((hit) => rowOf(hit, articles.get(hit.id)));
            await out.write(
              format === 'csv'
                ? csvLines(page, header)
                : page.map((row) => `${JSON.stringify(row)}\n`).join(''),
            );
            // Let searches and writes interleave with a long export.
            await new Promise((resolve) => setImmediate(resolve));
          }
        } finally {
          running--;
        }
      },
      async (error, out) => {
        // Headers are gone: the truncated body is the signal (chunked encoding ends without its last chunk).
        options.logError?.('export failed', error);
        out.abort();
      },
    );
  });
}
