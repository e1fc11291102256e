import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createApp } from '@archive/api';
import type { Article } from '@archive/core';
import { PartitionedIndex } from '@archive/search';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertConforms } from './openapi-conformance';

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/search-articles.json', import.meta.url), 'utf8'),
) as Article[];
const SAMPLE = 'syria-opposition-2024-11-27';

let server: ServerType;
let base: string;

beforeAll(async () => {
  const index = PartitionedIndex.empty();
  for (const a of fixtures) index.applyUpsert(a);
  const app = createApp({ search: { getIndex: async () => index } });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The parts of the JSON answers the assertions read. */
interface Body {
  results: { id: string; publishedAt: string; snippet: string }[];
  facets: { month: unknown[]; place: unknown[] };
  nextCursor: string | null;
  error: { code: string; details: { reason?: string; position?: number } };
  suggestions: { text: string }[];
  total: number;
  missing?: string[];
  notes?: { code: string; position: number }[];
}

async function get(path: string): Promise<{ status: number; body: Body }> {
  const res = await assertConforms('GET', path, await fetch(`${base}${path}`));
  return { status: res.status, body: (await res.json()) as Body };
}

describe('GET /search over HTTP', () => {
  it('answers the acceptance checks', async () => {
    const geneva = await get('/search?q=Geneva');
    expect(geneva.status).toBe(200);
    expect(geneva.body.results[0]?.id).toBe(SAMPLE);
    expect(geneva.body.results[0]?.snippet).toContain('<mark>Geneva</mark>');
    expect(Object.keys(geneva.body).sort()).toEqual(
      ['facets', 'indexVersion', 'missing', 'nextCursor', 'query', 'results', 'tookMs', 'total'].sort(),
    );
    expect(geneva.body.missing).toEqual([]);

    const phrase = await get(`/search?q=${encodeURIComponent('"peace initiative"')}`);
    expect(phrase.body.results.map((r) => r.id)).toContain(SAMPLE);
    const reversed = await get(`/search?mode=all&q=${encodeURIComponent('"initiative peace"')}`);
    expect(reversed.body.results.map((r) => r.id)).not.toContain(SAMPLE);

    const nov = await get('/search?q=Kerry&from=2024-11-01&to=2024-11-30');
    expect(nov.body.results.map((r) => r.id)).toContain(SAMPLE);
    const later = await get('/search?q=Kerry&from=2025-01-01');
    expect(later.body.results.map((r) => r.id)).not.toContain(SAMPLE);

    const syria = await get('/search?q=syria');
    expect(syria.body.results.map((r) => r.id)).toContain(SAMPLE);
    expect(syria.body.facets.month).toContainEqual({ value: '2024-11', count: 1 });
    expect(syria.body.facets.place).toContainEqual({ value: 'Jerusalem', count: 1 });
  });

  it('takes repeatable tags, sort and limit, and pages with nextCursor', async () => {
    const tagged = await get('/search?tag=diplomacy&tag=jordan');
    expect(tagged.body.results.map((r) => r.id)).toEqual(['kerry-visit-amman']);
    const first = await get('/search?sort=oldest&limit=3');
    expect(first.body.results).toHaveLength(3);
    const second = await get(`/search?sort=oldest&limit=3&cursor=${first.body.nextCursor ?? ''}`);
    const all = [...first.body.results, ...second.body.results].map((r) => r.publishedAt);
    expect(all).toEqual([...all].sort());
  });

  it('returns 400 JSON errors with positions for bad queries and parameters', async () => {
    const syntax = await get(`/search?strict=true&q=${encodeURIComponent('peace "initiative')}`);
    expect(syntax.status).toBe(400);
    expect(syntax.body.error).toMatchObject({
      code: 'invalid_query',
      details: { reason: 'unterminated_phrase', position: 6 },
    });
    const prefix = await get('/search?q=a*');
    expect(prefix.body.error.details.reason).toBe('prefix_too_short');
    for (const bad of [
      'limit=0',
      'limit=51',
      'limit=ten',
      'sort=best',
      'mode=fuzzy',
      'histogram=hour',
      'strict=yes',
    ]) {
      const res = await get(`/search?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe('invalid_parameters');
    }
    const date = await get('/search?from=yesterday');
    expect(date.body.error.code).toBe('invalid_date');
    const cursor = await get('/search?cursor=garbage');
    expect(cursor.body.error.code).toBe('invalid_cursor');
    const zone = await get('/search?histogram=day&tz=Nowhere/Else');
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('invalid_time_zone');
  });

  it('returns a histogram over the whole result set, in the tz asked for', async () => {
    const res = await fetch(`${base}/search?q=syria&histogram=month&tz=Asia/Jerusalem&limit=1`);
    const body = (await res.json()) as {
      total: number;
      histogram: { interval: string; timeZone: string; buckets: { start: string; count: number }[] };
    };
    expect(res.status).toBe(200);
    expect(body.histogram).toMatchObject({ interval: 'month', timeZone: 'Asia/Jerusalem' });
    expect(body.histogram.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(body.total);
  });

  it('answers a question typed as a person would, and a slip with a note', async () => {
    const question = await get(
      `/search?q=${encodeURIComponent('Did Kerry talk with the Jordanians about refugees?')}`,
    );
    expect(question.status).toBe(200);
    expect(question.body.results[0]?.id).toBe('kerry-visit-amman');
    expect(question.body.missing).toEqual(expect.arrayContaining(['Jordanians']));
    const slip = await get(`/search?q=${encodeURIComponent('peace "initiative')}`);
    expect(slip.status).toBe(200);
    expect(slip.body.notes?.[0]).toMatchObject({ code: 'read_as_text', position: 6 });
    const long = await get(`/search?q=${encodeURIComponent('refugees '.repeat(1000))}`);
    expect(long.status).toBe(200);
    expect(long.body.results[0]?.id).toBe('kerry-visit-amman');
  });

  it('never answers a hostile query with a 5xx', async () => {
    for (const q of [
      '*',
      '~',
      '"',
      ')',
      '-',
      'title:',
      '((((((x))))))',
      'x~99',
      '\u0000',
      '%',
      `${'ab* '.repeat(10)}`,
    ]) {
      const res = await fetch(`${base}/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBeLessThan(500);
    }
  });
});

describe('GET /suggest over HTTP', () => {
  it('completes the last word', async () => {
    const res = await get('/suggest?q=Syr');
    expect(res.status).toBe(200);
    expect(res.body.suggestions.map((s) => s.text)).toContain('syria');
    const bad = await get('/suggest?q=syr&limit=100');
    expect(bad.status).toBe(400);
  });
});
