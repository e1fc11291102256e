/**
 * Issue 2 and 3 acceptance at corpus scale (needs ../shared; not part of `npm test`):
 *   npx tsx bench/reuters-acceptance.ts [--corpus ../shared/corpora/reuters21578.jsonl]
 *
 * 1. imports the corpus with the CLI into a fresh data dir (time, articles/s);
 * 2. serves it and checks: `sort=newest` is ordered by publishedAt across pages; paging a query
 *    with more than 500 hits by `nextCursor` returns every hit exactly once and `total` agrees;
 * 3. measures ingest-to-searchable and takedown-to-gone latency (p50/p95) over HTTP;
 * 4. runs `reindex` and checks the rebuilt index answers like the incremental one.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '@archive/cli';
import { runCli } from '@archive/cli';
import { createLocalRuntime, defaultPlugins } from '@archive/local';
import { loadSegmentedIndex, type SegmentedIndex } from '@archive/search';
import { FsBlobStore } from '@archive/store';

const args = process.argv.slice(2);
const corpus = resolve(args[args.indexOf('--corpus') + 1] ?? '../shared/corpora/reuters21578.jsonl');
if (!existsSync(corpus)) {
  console.error(`corpus not found: ${corpus}`);
  process.exit(2);
}

const io: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: false,
  env: {},
};
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  if (!ok) failures.push(what);
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

interface Page {
  total: number;
  nextCursor: string | null;
  results: { id: string; publishedAt: string }[];
}

const dataDir = await mkdtemp(join(tmpdir(), 'archive-reuters-'));
try {
  // 1. Import.
  const started = performance.now();
  const code = await runCli(['import', corpus, '--time-zone', 'UTC', '--data-dir', dataDir], io);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `import exit ${code}: ${seconds.toFixed(1)} s for the corpus (exit 1 = some records failed, reported above)`,
  );

  // 2. Serve and page.
  const runtime = await createLocalRuntime({
    dataDir,
    importExamples: false,
    plugins: defaultPlugins(),
    log: () => {},
  });
  const url = await runtime.listen(0);
  const get = async (query: string): Promise<Page> =>
    (await (await fetch(`${url}/search?${query}`)).json()) as Page;

  const pages = async (query: string, max = 1000) => {
    const hits: Page['results'] = [];
    let page = await get(`${query}&limit=50`);
    const total = page.total;
    hits.push(...page.results);
    while (page.nextCursor && hits.length < max) {
      page = await get(`${query}&limit=50&cursor=${encodeURIComponent(page.nextCursor)}`);
      hits.push(...page.results);
    }
    return { total, hits };
  };

  const newest = await pages('q=oil&sort=newest', 600);
  const ordered = newest.hits.every(
    (hit, i) => i === 0 || (newest.hits[i - 1] as Page['results'][number]).publishedAt >= hit.publishedAt,
  );
  check(ordered, `sort=newest orders ${newest.hits.length} hits of q=oil by publishedAt, descending`);
  const emptyNewest = await pages('sort=newest', 300);
  check(
    emptyNewest.hits.every(
      (hit, i) => i === 0 || (emptyNewest.hits[i - 1]?.publishedAt ?? '') >= hit.publishedAt,
    ),
    `listing without q (sort=newest) is ordered across ${emptyNewest.hits.length} hits`,
  );

  for (const query of ['q=oil', 'q=wheat%20OR%20grain', 'q=trade&sort=oldest']) {
    const { total, hits } = await pages(query, 100_000);
    const unique = new Set(hits.map((h) => h.id));
    check(
      total >= 500 && hits.length === total && unique.size === total,
      `${query}: total ${total}, paged ${hits.length}, distinct ${unique.size}`,
    );
  }

  // 3. Ingest-to-searchable and takedown-to-gone latency.
  const auth = { authorization: `Bearer ${runtime.ingestKey.key}` };
  const ingestLatencies: number[] = [];
  const removeLatencies: number[] = [];
  for (let i = 0; i < 30; i++) {
    const word = `zqx${i.toString(36)}marker`;
    const posted = performance.now();
    const response = await fetch(`${url}/dispatches`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: `Latency probe ${i}`,
        body: `A probe with ${word}.`,
        publishedAt: new Date().toISOString(),
      }),
    });
    const { id } = (await response.json()) as { id: string };
    while ((await get(`q=${word}`)).total === 0) await new Promise((r) => setTimeout(r, 5));
    ingestLatencies.push(performance.now() - posted);
    const deleted = performance.now();
    await fetch(`${url}/articles/${id}`, { method: 'DELETE', headers: auth });
    while ((await get(`q=${word}`)).total > 0) await new Promise((r) => setTimeout(r, 5));
    removeLatencies.push(performance.now() - deleted);
  }
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    `ingest-to-searchable: p50 ${ms(percentile(ingestLatencies, 50))}, p95 ${ms(percentile(ingestLatencies, 95))}; ` +
      `takedown-to-gone: p50 ${ms(percentile(removeLatencies, 50))}, p95 ${ms(percentile(removeLatencies, 95))} (n=30)`,
  );
  check(percentile(ingestLatencies, 95) <= 2000, 'an ingested article is searchable within 2 s (p95)');
  check(percentile(removeLatencies, 95) <= 2000, 'a taken-down article leaves search within 2 s (p95)');
  await runtime.close();

  // 4. Reindex equals incremental.
  const store = new FsBlobStore(join(dataDir, 'index'));
  const incremental = await loadSegmentedIndex(store);
  const reindexStarted = performance.now();
  await runCli(['reindex', '--data-dir', dataDir], io);
  console.log(`reindex took ${((performance.now() - reindexStarted) / 1000).toFixed(1)} s`);
  const rebuilt = await loadSegmentedIndex(store);
  const observe = (index: SegmentedIndex) =>
    ['oil', 'wheat OR grain', '"crude oil"', 'opec', 'export*', 'tradde~1', 'dollar -yen', ''].map((q) => {
      const { total, results } = index.query({ q, limit: 20 });
      return JSON.stringify({ q, total, results: results.map((r) => [r.id, r.score.toFixed(6)]) });
    });
  const same = observe(rebuilt).every((line, i) => line === observe(incremental)[i]);
  check(
    same && rebuilt.size === incremental.size,
    `reindex answers like incremental indexing (${rebuilt.size} articles)`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
console.log(failures.length === 0 ? 'all checks passed' : `${failures.length} check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
