/**
 * The reader's page on the Reuters corpus, in Chromium: page weight (gzip), the time from navigation
 * to the first results rendered (median of 10 queries, each in a fresh browser context, so nothing
 * is cached), grouped by story (the default) and every dispatch (`stories=all`), and axe-core on
 * the results, article and story pages.
 *
 *   flock /work/coord/bench.lock npx tsx bench/page.ts [../shared/corpora/reuters21578.jsonl]
 *
 * The archive is the local server (`npm start`'s runtime, in memory) with the corpus uploaded
 * through `POST /dispatches` in batches, as a newsroom would.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { createLocalRuntime, defaultPlugins } from '@archive/local';
import { axeScan, launchChromium, seriousOrWorse, waitForIndex } from '../test/browser/browser-support';

const corpus =
  process.argv[2] ?? new URL('../../shared/corpora/reuters21578.jsonl', import.meta.url).pathname;
const QUERIES = ['oil', 'wheat', 'dollar', 'bank', 'trade', 'coffee', 'gold', 'tariff', 'strike', 'shipping'];
const BATCH = 500;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const runtime = await createLocalRuntime({
  dataDir: null,
  importExamples: false,
  plugins: defaultPlugins(),
  log: () => {},
  logger: { error: () => {} },
});
const base = await runtime.listen(0, '127.0.0.1');
try {
  let batch: string[] = [];
  let created = 0;
  let failed = 0;
  const upload = async () => {
    if (batch.length === 0) return;
    const res = await fetch(`${base}/dispatches?timeZone=UTC&source=Reuters`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/x-ndjson' },
      body: batch.join('\n'),
    });
    const summary = (await res.json()) as { created: number; failed: number };
    created += summary.created;
    failed += summary.failed;
    batch = [];
  };
  const started = performance.now();
  for await (const line of createInterface({ input: createReadStream(corpus) })) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { title?: string; body?: string; date?: string; topics?: string[] };
    batch.push(
      JSON.stringify({
        title: record.title,
        body: record.body,
        localTime: record.date,
        tags: record.topics ?? [],
      }),
    );
    if (batch.length === BATCH) await upload();
  }
  await upload();
  const articles = await runtime.repository.count();
  await waitForIndex(base, articles);
  process.stdout.write(
    `corpus: ${corpus}\nuploaded ${created} articles (${failed} refused: no title, body or date) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );

  const front = await (await fetch(`${base}/?q=oil`)).text();
  const asset = async (pattern: RegExp) =>
    gzipSync(await (await fetch(`${base}${pattern.exec(front)?.[1] ?? '/missing'}`)).text()).length;
  const page = {
    js: await asset(/src="(\/assets\/[^"]+\.js)"/),
    css: await asset(/href="(\/assets\/[^"]+\.css)"/),
    html: gzipSync(front).length,
  };
  process.stdout.write(
    `page weight (gzip): script ${page.js} B + stylesheet ${page.css} B = ${page.js + page.css} B; ` +
      `the HTML of /?q=oil ${page.html} B\n`,
  );

  const browser = await launchChromium();
  try {
    // The default page groups copies of a story (`collapse=story`); `stories=all` is one plain page
    // of results, as the page was before grouping. Measured alternately, so both see the same load.
    const views = { grouped: '', every: '&stories=all' } as const;
    const wall: Record<keyof typeof views, number[]> = { grouped: [], every: [] };
    const paint: Record<keyof typeof views, number[]> = { grouped: [], every: [] };
    for (const q of QUERIES) {
      for (const view of Object.keys(views) as (keyof typeof views)[]) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const tab = await context.newPage();
        const t0 = performance.now();
        await tab.goto(`${base}/?q=${encodeURIComponent(q)}${views[view]}`, { waitUntil: 'commit' });
        await tab.locator('#results li').first().waitFor({ state: 'visible' });
        wall[view].push(performance.now() - t0);
        // First contentful paint: the results are in the server's HTML, so they are in that paint.
        paint[view].push(
          await tab.evaluate<number>(
            `new Promise((resolve) => new PerformanceObserver((list) => { const e = list.getEntriesByName('first-contentful-paint')[0]; if (e) resolve(e.startTime); }).observe({ type: 'paint', buffered: true }))`,
          ),
        );
        await context.close();
      }
    }
    for (const view of Object.keys(views) as (keyof typeof views)[]) {
      process.stdout.write(
        `navigation -> first results visible, ${view === 'grouped' ? 'grouped by story (the default)' : 'every dispatch (stories=all)'} ` +
          `(${QUERIES.length} queries, fresh context each): median ${median(wall[view]).toFixed(0)} ms ` +
          `(min ${Math.min(...wall[view]).toFixed(0)}, max ${Math.max(...wall[view]).toFixed(0)}); ` +
          `first contentful paint median ${median(paint[view]).toFixed(0)} ms after navigation start\n`,
      );
    }

    const tab = await browser.newPage();
    const report: Record<string, string> = {};
    for (const [name, path] of [
      ['search', '/'],
      ['results', '/?q=oil&sort=newest'],
    ] as const) {
      await tab.goto(`${base}${path}`);
      const violations = await axeScan(tab);
      report[name] =
        `${violations.length} violations (${seriousOrWorse(violations).length} serious or critical)`;
    }
    await tab.goto(`${base}/?q=oil`);
    await tab.locator('a.result-link').first().click();
    await tab.waitForURL(/\/read\//);
    const violations = await axeScan(tab);
    const story = (await (await fetch(`${base}/search?q=dollar&collapse=story&limit=50`)).json()) as {
      results: { story: { id: string; size: number } }[];
    };
    const shared = story.results.find((hit) => hit.story.size > 1);
    if (shared) {
      await tab.goto(`${base}/story/${encodeURIComponent(shared.story.id)}`);
      const onStory = await axeScan(tab);
      report.story = `${onStory.length} violations (${seriousOrWorse(onStory).length} serious or critical)`;
    }
    report.article = `${violations.length} violations (${seriousOrWorse(violations).length} serious or critical)`;
    process.stdout.write(`axe-core (wcag2a, wcag2aa, wcag21aa, best-practice): ${JSON.stringify(report)}\n`);
  } finally {
    await browser.close();
  }
} finally {
  await runtime.close();
}
