import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { baselineSearch, loadBaseline } from '../baseline';
import type { SearchRequest } from '../queries';
import { serveOnEphemeralPort } from './serve';

// The baseline behind HTTP: a minimal GET /search (top results' ids and scores, nothing else).
const [snapshotPath, datesPath] = process.argv.slice(2);
if (!snapshotPath || !datesPath) throw new Error('usage: serve-baseline SNAPSHOT DATES_JSON');
const miniSearch = loadBaseline(await readFile(snapshotPath, 'utf8'));
const dates = new Map(JSON.parse(await readFile(datesPath, 'utf8')) as [string, number][]);

const app = new Hono();
app.get('/search', (c) => {
  const started = performance.now();
  const request: SearchRequest = { q: c.req.query('q') ?? '', limit: Number(c.req.query('limit') ?? 10) };
  const from = c.req.query('from');
  const to = c.req.query('to');
  if (from) request.from = from;
  if (to) request.to = to;
  if (c.req.query('sort') === 'newest') request.sort = 'newest';
  const results = baselineSearch(miniSearch, request, dates);
  return c.json({
    query: request.q,
    results: results.map((r) => ({ id: r.id, score: r.score })),
    tookMs: performance.now() - started,
  });
});
serveOnEphemeralPort(app);
