/**
 * `npm run bench:alerts`: what standing searches cost.
 *
 * 1. Matching: N alerts (default 10,000) drawn from the corpus' own words (two-word AND queries
 *    mostly, single words, phrases, ORs, some with a place filter, a few prefixes that every
 *    article must be checked against) and articles of the corpus matched against them with the
 *    percolator: articles matched per second, candidates and matches per article. The brute force
 *    (every alert checked) on a few articles for comparison, and a check that both agree.
 * 2. Ingest to delivery on the local server: 1,000 alerts, one of them matching every upload;
 *    uploads one at a time over HTTP; time from sending the upload to the webhook receiving the
 *    match, on loopback (p50/p95).
 *
 * Options: --alerts N (10000), --articles N (2000), --uploads N (200),
 * --corpus PATH (../shared/corpora/reuters21578.jsonl; falls back to the wire sample).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { Article } from '@archive/core';
import { createLocalRuntime, defaultPlugins } from '@archive/local';
import { ANALYZER, checkStandingQuery, Percolator, type StandingQuery } from '@archive/search';
import { newAlertRecord } from '@archive/store';
import { growCorpus, readJsonlCorpus } from './corpus';
import { pick, randomInt, seededRandom } from './prng';
import { percentiles } from './stats';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '10000' },
    articles: { type: 'string', default: '2000' },
    uploads: { type: 'string', default: '200' },
    corpus: { type: 'string', default: '../shared/corpora/reuters21578.jsonl' },
  },
});
const ALERTS = Number(values.alerts);
const ARTICLES = Number(values.articles);
const UPLOADS = Number(values.uploads);
const corpusPath = existsSync(values.corpus) ? values.corpus : 'test/fixtures/wire-sample.jsonl';

const random = seededRandom(15);
const base = await readJsonlCorpus(corpusPath);
const articles = growCorpus(base, ARTICLES, 15);
console.log(`corpus: ${corpusPath}, ${articles.length} articles`);

/** Content words of an article, as typed (stop words and short words left out). */
function wordsOf(article: Article): string[] {
  const text = [article.title, ...article.paragraphs].join(' ');
  return (text.match(/\p{L}{4,}/gu) ?? []).filter((w) => ANALYZER.term(w) !== null);
}

/**
 * Alerts name specific things (a company, a place, a commodity), not "said" or "year": words are
 * drawn from those in at most 1% of the articles.
 */
const documentFrequency = new Map<string, number>();
for (const article of articles) {
  for (const term of new Set(wordsOf(article).map((w) => ANALYZER.term(w)))) {
    if (term !== null) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
}
const MAX_DF = Math.max(2, Math.floor(articles.length / 100));
function specificWordsOf(article: Article): string[] {
  return wordsOf(article).filter((w) => (documentFrequency.get(ANALYZER.term(w) ?? '') ?? 0) <= MAX_DF);
}

function randomQuery(): StandingQuery {
  let words: string[] = [];
  while (words.length < 2) words = specificWordsOf(pick(random, articles));
  const word = () => pick(random, words).toLowerCase();
  const roll = random();
  if (roll < 0.55) return { q: `${word()} ${word()}` };
  if (roll < 0.7) return { q: word() };
  if (roll < 0.8) {
    const at = randomInt(random, Math.max(1, words.length - 1));
    return { q: `"${words[at]} ${words[at + 1] ?? words[at]}"` };
  }
  if (roll < 0.9) return { q: `${word()} OR ${word()}` };
  if (roll < 0.98) return { q: word(), place: pick(random, ['London', 'New York', 'Tokyo', 'Paris']) };
  return { q: `${word().slice(0, 5)}*` };
}

const percolator = new Percolator();
for (let i = 0; percolator.size < ALERTS; i++) {
  const query = randomQuery();
  try {
    checkStandingQuery(query);
    percolator.add({ id: `alert-${i}`, query });
  } catch {
    // A drawn word the query language reads otherwise (rare): draw again.
  }
}

// Warm the analyser's cache and the JIT on a few articles first.
for (const article of articles.slice(0, 50)) percolator.match(article);
let candidates = 0;
let matches = 0;
const started = performance.now();
for (const article of articles) {
  candidates += percolator.candidates(article).size;
  matches += percolator.match(article).length;
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `matching: ${ALERTS} alerts, ${articles.length} articles in ${seconds.toFixed(2)} s: ` +
    `${Math.round(articles.length / seconds)} articles/s; per article ${(candidates / articles.length).toFixed(1)} candidates, ` +
    `${(matches / articles.length).toFixed(2)} matches`,
);

const sample = articles.slice(0, 20);
const bruteStarted = performance.now();
let agree = true;
for (const article of sample) {
  agree &&= JSON.stringify(percolator.matchEveryAlert(article)) === JSON.stringify(percolator.match(article));
}
const bruteSeconds = (performance.now() - bruteStarted) / 1000;
console.log(
  `brute force (every alert checked, plus the percolator again): ${sample.length} articles in ${bruteSeconds.toFixed(2)} s ` +
    `(${(sample.length / bruteSeconds).toFixed(1)} articles/s); same answers: ${agree}`,
);

// 2. Ingest to delivery on the local server.
const receivedAt = new Map<string, number>();
let notify: (() => void) | null = null;
const receiver = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => {
    body += chunk.toString('utf8');
  });
  request.on('end', () => {
    const payload = JSON.parse(body) as { article: { title: string } };
    receivedAt.set(payload.article.title, performance.now());
    response.writeHead(204).end();
    notify?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const runtime = await createLocalRuntime({ dataDir: null, plugins: defaultPlugins(), log: () => {} });
const url = await runtime.listen(0);
const auth = { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/json' };
// Background alerts: they are candidates for nothing here but sit in the percolator.
for (let i = 0; i < 999; i++) {
  await runtime.alerts.store.create(
    newAlertRecord({
      id: `alr_background${String(i).padStart(6, '0')}`,
      query: { q: `zzbackground${i} zzother${i}` },
      webhookUrl: hook,
      secret: 'whsec_background',
    }),
  );
}
const created = await fetch(`${url}/alerts`, {
  method: 'POST',
  headers: auth,
  body: JSON.stringify({ q: 'benchmark delivery', webhookUrl: hook }),
});
if (created.status !== 201) throw new Error(`alert not created: ${created.status} ${await created.text()}`);

const latencies: number[] = [];
for (let i = 0; i < UPLOADS; i++) {
  const source = pick(random, articles);
  const title = `Benchmark delivery ${i}: ${source.title}`;
  const sent = performance.now();
  const arrived = new Promise<void>((resolve) => {
    notify = () => receivedAt.has(title) && resolve();
  });
  const response = await fetch(`${url}/dispatches`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      title,
      body: source.paragraphs,
      publishedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      place: 'London',
    }),
  });
  if (response.status !== 201) throw new Error(`upload ${i}: ${response.status}`);
  await arrived;
  latencies.push((receivedAt.get(title) as number) - sent);
}
const p = percentiles(latencies);
console.log(
  `ingest to delivery (local, ${UPLOADS} uploads, 1,000 alerts): p50 ${p.p50.toFixed(1)} ms, ` +
    `p95 ${p.p95.toFixed(1)} ms, max ${p.max.toFixed(1)} ms`,
);
await runtime.close();
receiver.close();
