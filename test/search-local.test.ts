import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRuntime, defaultPlugins, type LocalRuntime } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * Issue 3's acceptance list, end to end on one machine: the examples imported by the local
 * runtime, searched over HTTP through the same indexer and routes the Lambdas use.
 */
const quiet = { log: () => {}, logger: { error: () => {} } };
const SAMPLE_ID = '6153ff3e9bb4fabb69117304';
const sample = readFile(new URL('./fixtures/sample-dispatch.txt', import.meta.url), 'utf8');

interface SearchBody {
  total: number;
  results: { id: string; title: string; snippet: string }[];
  facets: { month: { value: string; count: number }[]; place: { value: string; count: number }[] };
}

let dataDir: string;
let runtime: LocalRuntime;
let url: string;

async function search(query: string): Promise<SearchBody> {
  const response = await fetch(`${url}/search?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SearchBody;
}

/** Polls until `check` holds; search is eventually consistent with the store (one flush). */
const eventually = (check: () => Promise<boolean>) => vi.waitUntil(check, { timeout: 10_000, interval: 50 });

const auth = () => ({ authorization: `Bearer ${runtime.ingestKey.key}` });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'archive-search-'));
  runtime = await createLocalRuntime({ dataDir, importExamples: true, plugins: defaultPlugins(), ...quiet });
  url = await runtime.listen(0);
  await eventually(async () => (await search('q=Geneva')).total > 0);
});

afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('search over the imported examples', () => {
  it('finds the sample first for Geneva, with Geneva marked', async () => {
    const body = await search('q=Geneva');
    expect(body.results[0]?.id).toBe(SAMPLE_ID);
    expect(body.results[0]?.snippet).toContain('<mark>Geneva</mark>');
  });

  it('matches phrases in order only', async () => {
    expect((await search('q=%22peace%20initiative%22')).results.map((r) => r.id)).toContain(SAMPLE_ID);
    expect((await search('mode=all&q=%22initiative%20peace%22')).results.map((r) => r.id)).not.toContain(
      SAMPLE_ID,
    );
  });

  it('filters by date range', async () => {
    expect((await search('q=Kerry&from=2024-11-01&to=2024-11-30')).results.map((r) => r.id)).toEqual([
      SAMPLE_ID,
    ]);
    expect((await search('q=Kerry&from=2025-01-01')).total).toBe(0);
  });

  it("matches syria to Syria's and counts facets by month and place", async () => {
    const body = await search('q=syria');
    expect(body.results.map((r) => r.id)).toContain(SAMPLE_ID);
    expect(body.facets.month).toContainEqual({ value: '2024-11', count: expect.any(Number) });
    expect(body.facets.place).toContainEqual({ value: 'Jerusalem', count: expect.any(Number) });
  });

  it('reports the index in /health', async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as {
      index: { articles: number; behindMs: number };
    };
    expect(health.index.articles).toBe(await runtime.repository.count());
  });
});

describe('search follows the store', () => {
  it('reflects a re-upload that changes the body', async () => {
    const changed = (await sample).replace(
      'Geneva 2 is not on the agenda',
      'Oslo talks are not on the agenda',
    );
    const response = await fetch(`${url}/dispatches`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'text/plain' },
      body: changed,
    });
    expect(((await response.json()) as { status: string }).status).toBe('updated');
    await eventually(async () => (await search('q=Oslo')).results.some((r) => r.id === SAMPLE_ID));
  });

  it('stops finding an article once it is taken down', async () => {
    const response = await fetch(`${url}/articles/${SAMPLE_ID}`, { method: 'DELETE', headers: auth() });
    expect(response.status).toBe(200);
    await eventually(async () => !(await search('q=Kerry')).results.some((r) => r.id === SAMPLE_ID));
  });

  it('converges after a restart that lost the index: the next run reindexes from the store', async () => {
    await runtime.close();
    await rm(join(dataDir, 'index'), { recursive: true, force: true });
    runtime = await createLocalRuntime({
      dataDir,
      importExamples: true,
      plugins: defaultPlugins(),
      ...quiet,
    });
    url = await runtime.listen(0);
    const listed = await search('limit=50');
    expect(listed.total).toBe(await runtime.repository.count());
    expect(listed.results.map((r) => r.id)).not.toContain(SAMPLE_ID);
  });
});
