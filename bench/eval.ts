/**
 * Relevance evaluation of what a reader gets from `GET /search`:
 *
 *   npm run eval -- --collection DIR [--run FILE]
 *   npm run eval -- --all [--root DIR]
 *
 * Builds the production index (`PartitionedIndex`) from DIR/docs.jsonl and sends every request of
 * DIR/queries.jsonl, as written, through the HTTP app's own `GET /search` route (hono's
 * `app.request`, the same handler `npm start` and the search Lambda serve) with default parameters
 * (no `mode`), paging with cursors to the top 100. A refused request (any status but 200) or an
 * empty answer is counted and reported, never fatal. Writes TREC runs and prints nDCG@10, P@10,
 * MAP@100 and Recall@100; `--all` runs the four collections of ../shared/relevance and prints one
 * table with the best peer's nDCG@10 beside ours.
 *
 * `--param name=value` (repeatable) adds a query parameter to every request, e.g. `--param
 * mode=natural` to measure the natural mode. `--peer lunr` also runs Lunr 2.3.9 (peer-lunr.ts) on
 * the same requests and prints per-query wins, ties and losses (per-query.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createApp, registerSearchRoutes } from '@archive/api';
import type { Article } from '@archive/core';
import { PartitionedIndex } from '@archive/search';
import { Command } from 'commander';
import { lunrPeer } from './peer-lunr';
import { comparePerQuery, type PerQuery, printPerQuery } from './per-query';
import { evaluateRun, formatTrecRun, parseCranfieldQrels, type Run } from './relevance-metrics';

interface CollectionDoc {
  id: number | string;
  title?: string;
  body?: string;
  author?: string;
}
interface CollectionQuery {
  qid: number | string;
  text: string;
}

const RUN_DEPTH = 100;
const PAGE = 50;
const COLLECTIONS = ['cranfield', 'cacm', 'medline', 'npl'] as const;

/** Best of six peers, nDCG@10, from ../shared/relevance/README.md. */
const BEST_PEER: Record<string, { ndcg10: number; who: string }> = {
  cranfield: { ndcg10: 0.385, who: 'Lunr' },
  cacm: { ndcg10: 0.483, who: 'Lunr' },
  medline: { ndcg10: 0.69, who: 'SQLite FTS5' },
  npl: { ndcg10: 0.431, who: 'Lunr' },
};

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/**
 * A collection document as an Article: its text fields (title; author as the byline caption; body)
 * are what gets indexed, the rest is filler.
 */
function toArticle(doc: CollectionDoc): Article {
  const author = (doc.author ?? '').trim();
  return {
    id: String(doc.id),
    title: (doc.title ?? '').trim(),
    paragraphs: [(doc.body ?? '').trim()],
    caption: author === '' ? null : author,
    publishedAt: '2000-01-01T00:00:00Z',
    localTime: '2000-01-01T00:00:00+00:00',
    timeZone: 'UTC',
    place: null,
    language: 'en',
    source: null,
    url: null,
    tags: [],
    version: 1,
    contentHash: '',
    previousHash: null,
    ingestedAt: '2000-01-01T00:00:00Z',
    updatedAt: '2000-01-01T00:00:00Z',
  };
}

interface Outcome {
  ranked: { id: string; score: number }[];
  /** Status and error code of a refused request. */
  refused?: string;
  missing: string[];
}

interface SearchBody {
  results: { id: string; score: number }[];
  nextCursor: string | null;
  missing?: string[];
}

/** Top `depth` hits of a request through `GET /search` (paging with cursors). */
async function rank(
  app: ReturnType<typeof createApp>,
  text: string,
  params: [string, string][],
  depth: number,
): Promise<Outcome> {
  const out: Outcome = { ranked: [], missing: [] };
  let cursor: string | null = null;
  while (out.ranked.length < depth) {
    const query = new URLSearchParams([
      ['q', text],
      ['limit', String(Math.min(PAGE, depth - out.ranked.length))],
      ...params,
      ...(cursor ? [['cursor', cursor] as [string, string]] : []),
    ]);
    const response = await app.request(`/search?${query}`);
    if (response.status !== 200) {
      const body = (await response.json().catch(() => ({}))) as {
        error?: { code?: string; details?: { reason?: string } };
      };
      out.refused = `${response.status} ${body.error?.details?.reason ?? body.error?.code ?? ''}`.trim();
      return out;
    }
    const page = (await response.json()) as SearchBody;
    if (cursor === null) out.missing = page.missing ?? [];
    out.ranked.push(...page.results.map((r) => ({ id: r.id, score: r.score })));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

interface CollectionReport {
  name: string;
  docs: number;
  queries: number;
  judged: number;
  ndcg10: number;
  p10: number;
  map100: number;
  recall100: number;
  refused: { qid: string; why: string }[];
  empty: string[];
  relaxed: number;
  perQuery: PerQuery | undefined;
  buildMs: number;
  searchMs: number;
  runFile: string;
}

async function evaluateCollection(
  dir: string,
  runFile: string,
  params: [string, string][],
  peer?: 'lunr',
): Promise<CollectionReport> {
  const name = basename(dir);
  const started = performance.now();
  const index = PartitionedIndex.empty();
  for (const doc of readJsonl<CollectionDoc>(join(dir, 'docs.jsonl'))) index.applyUpsert(toArticle(doc));
  const app = createApp({ extraRoutes: (a) => registerSearchRoutes(a, () => index) });
  const built = performance.now();

  const queries = readJsonl<CollectionQuery>(join(dir, 'queries.jsonl'));
  const rows: { qid: string; ranked: { id: string; score: number }[] }[] = [];
  const refused: CollectionReport['refused'] = [];
  const empty: string[] = [];
  let relaxed = 0;
  for (const q of queries) {
    const qid = String(q.qid);
    const outcome = await rank(app, q.text, params, RUN_DEPTH);
    if (outcome.refused) refused.push({ qid, why: outcome.refused });
    else if (outcome.ranked.length === 0) empty.push(qid);
    if (outcome.missing.length > 0) relaxed++;
    rows.push({ qid, ranked: outcome.ranked });
  }
  const searched = performance.now();

  mkdirSync(dirname(runFile), { recursive: true });
  writeFileSync(runFile, formatTrecRun(rows, 'dispatch-archive'));
  const run: Run = new Map(rows.map((r) => [r.qid, r.ranked.map((h) => h.id)]));
  const qrels = parseCranfieldQrels(readFileSync(join(dir, 'qrels.tsv'), 'utf8'));
  const summary = evaluateRun(run, qrels);
  let perQuery: PerQuery | undefined;
  if (peer === 'lunr') {
    const docs = readJsonl<CollectionDoc>(join(dir, 'docs.jsonl')).map((d) => ({
      id: String(d.id),
      title: d.title ?? '',
      body: d.body ?? '',
      author: d.author ?? '',
    }));
    const lunr = lunrPeer(docs);
    const peerRun: Run = new Map(queries.map((q) => [String(q.qid), lunr.rank(q.text, RUN_DEPTH)]));
    const texts = new Map(queries.map((q) => [String(q.qid), q.text]));
    perQuery = comparePerQuery(name, run, peerRun, qrels, texts);
  }
  return {
    perQuery,
    name,
    docs: index.size,
    queries: queries.length,
    judged: summary.queries,
    ndcg10: summary.ndcg10,
    p10: summary.p10,
    map100: summary.map100,
    recall100: summary.recall100,
    refused,
    empty,
    relaxed,
    buildMs: built - started,
    searchMs: searched - built,
    runFile,
  };
}

function printOne(r: CollectionReport): void {
  const peer = BEST_PEER[r.name];
  console.log(`collection   ${r.name}: ${r.docs} docs, ${r.queries} queries (${r.judged} judged)`);
  console.log(`build        ${r.buildMs.toFixed(0)} ms; search ${r.searchMs.toFixed(0)} ms`);
  console.log(`run          ${r.runFile}`);
  console.log(
    `nDCG@10      ${r.ndcg10.toFixed(4)}${peer ? `   (best peer ${peer.ndcg10.toFixed(3)}, ${peer.who})` : ''}`,
  );
  console.log(`P@10         ${r.p10.toFixed(4)}`);
  console.log(`MAP@100      ${r.map100.toFixed(4)}`);
  console.log(`Recall@100   ${r.recall100.toFixed(4)}`);
  console.log(`refused      ${r.refused.length}${describeRefusals(r)}`);
  console.log(`empty        ${r.empty.length}${r.empty.length ? ` (qids ${abbreviate(r.empty)})` : ''}`);
  console.log(`relaxed      ${r.relaxed} (answers that say some words were not required)`);
}

function describeRefusals(r: CollectionReport): string {
  if (r.refused.length === 0) return '';
  return ` (${r.refused.map((x) => `${x.qid}: ${x.why}`).join('; ')})`;
}

function printTable(reports: CollectionReport[]): void {
  const cell = (s: string, width: number) => s.padEnd(width);
  const header = [
    'collection',
    'nDCG@10',
    'best peer',
    'Δ',
    'P@10',
    'MAP@100',
    'Recall@100',
    'refused',
    'empty',
  ];
  const widths = [11, 8, 18, 7, 7, 8, 11, 8, 6];
  const line = (cells: string[]) => `| ${cells.map((c, i) => cell(c, widths[i] ?? 8)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  const mean = (pick: (r: CollectionReport) => number) =>
    reports.reduce((s, r) => s + pick(r), 0) / Math.max(1, reports.length);
  for (const r of reports) {
    const peer = BEST_PEER[r.name];
    console.log(
      line([
        r.name,
        r.ndcg10.toFixed(3),
        peer ? `${peer.ndcg10.toFixed(3)} ${peer.who}` : '–',
        peer ? signed(r.ndcg10 - peer.ndcg10) : '–',
        r.p10.toFixed(3),
        r.map100.toFixed(3),
        r.recall100.toFixed(3),
        String(r.refused.length),
        String(r.empty.length),
      ]),
    );
  }
  const peers = reports.map((r) => BEST_PEER[r.name]?.ndcg10);
  const peerMean = peers.every((p) => p !== undefined)
    ? peers.reduce((s: number, p) => s + (p ?? 0), 0) / peers.length
    : undefined;
  const ourMean = mean((r) => r.ndcg10);
  console.log(
    line([
      'mean',
      ourMean.toFixed(3),
      peerMean === undefined ? '–' : `${peerMean.toFixed(3)} (means)`,
      peerMean === undefined ? '–' : signed(ourMean - peerMean),
      mean((r) => r.p10).toFixed(3),
      mean((r) => r.map100).toFixed(3),
      mean((r) => r.recall100).toFixed(3),
      String(reports.reduce((s, r) => s + r.refused.length, 0)),
      String(reports.reduce((s, r) => s + r.empty.length, 0)),
    ]),
  );
  for (const r of reports) {
    if (r.refused.length > 0) console.log(`refused in ${r.name}:${describeRefusals(r)}`);
    if (r.empty.length > 0) console.log(`empty in ${r.name}: qids ${abbreviate(r.empty)}`);
  }
  console.log(
    `answers with words not required (relaxed): ${reports.map((r) => `${r.name} ${r.relaxed}`).join(', ')}`,
  );
}

/** The first qids of a list, and how many more. */
function abbreviate(qids: string[]): string {
  const shown = qids.slice(0, 15).join(', ');
  return qids.length > 15 ? `${shown} and ${qids.length - 15} more` : shown;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
}

function parseParam(value: string, previous: [string, string][]): [string, string][] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`--param wants name=value, got ${value}`);
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

async function main(): Promise<void> {
  const program = new Command()
    .name('eval')
    .option('--collection <dir>', 'collection directory (docs.jsonl, queries.jsonl, qrels.tsv)')
    .option('--all', 'every collection of --root, one table')
    .option(
      '--root <dir>',
      'where the collections are',
      join(import.meta.dirname, '..', '..', 'shared', 'relevance'),
    )
    .option('--run <file>', 'where to write the TREC run (default bench/results/<collection>.run)')
    .option('--param <name=value>', 'extra /search parameter for every request (repeatable)', parseParam, [])
    .option('--peer <engine>', 'also run a peer on the same requests and compare per query (lunr)')
    .parse();
  const opts = program.opts<{
    collection?: string;
    all?: boolean;
    root: string;
    run?: string;
    param: [string, string][];
    peer?: string;
  }>();
  if (opts.peer !== undefined && opts.peer !== 'lunr') program.error('--peer knows lunr only');
  const peer = opts.peer === 'lunr' ? ('lunr' as const) : undefined;
  if (!opts.all && !opts.collection) program.error('give --collection DIR or --all');
  const suffix = opts.param.map(([k, v]) => `.${k}-${v}`).join('');
  const runFileOf = (name: string) => resolve(join(import.meta.dirname, 'results', `${name}${suffix}.run`));
  if (opts.all) {
    const reports: CollectionReport[] = [];
    for (const name of COLLECTIONS) {
      const dir = resolve(opts.root, name);
      if (!existsSync(join(dir, 'docs.jsonl'))) program.error(`no collection at ${dir}`);
      reports.push(await evaluateCollection(dir, runFileOf(name), opts.param, peer));
    }
    if (opts.param.length > 0)
      console.log(`parameters: ${opts.param.map(([k, v]) => `${k}=${v}`).join('&')}`);
    printTable(reports);
    const compared = reports.flatMap((r) => (r.perQuery ? [r.perQuery] : []));
    if (compared.length > 0) printPerQuery('Lunr 2.3.9', compared);
    return;
  }
  const dir = resolve(opts.collection as string);
  const report = await evaluateCollection(
    dir,
    opts.run ? resolve(opts.run) : runFileOf(basename(dir)),
    opts.param,
    peer,
  );
  printOne(report);
  if (report.perQuery) printPerQuery('Lunr 2.3.9', [report.perQuery]);
}

await main();
