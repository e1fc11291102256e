/**
 * Relevance evaluation: `npm run eval -- --collection DIR [--run FILE]`.
 *
 * Builds an PartitionedIndex (production analysis and index definition) from DIR/docs.jsonl, runs every
 * query of DIR/queries.jsonl through the production search path (`PartitionedIndex.query`, i.e. the same
 * parser, planner and executor a user's `q` goes through) in the documented `natural` mode, pages
 * with cursors to the top 100, writes a TREC run and prints nDCG@10, P@10, MAP@100, Recall@100.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Article } from '@archive/core';
import { PartitionedIndex } from '@archive/search';
import { Command } from 'commander';
import { evaluateRun, formatTrecRun, parseCranfieldQrels, type Run } from './relevance-metrics';

interface CollectionDoc {
  id: number | string;
  title?: string;
  body?: string;
}
interface CollectionQuery {
  qid: number | string;
  text: string;
}

const RUN_DEPTH = 100;

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** A collection document as an Article: title and body are what gets indexed; the rest is filler. */
function toArticle(doc: CollectionDoc): Article {
  return {
    id: String(doc.id),
    title: (doc.title ?? '').trim(),
    paragraphs: [(doc.body ?? '').trim()],
    caption: null,
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

/** Top `depth` hits of a natural-language query, through the public search path (with paging). */
function rank(index: PartitionedIndex, text: string, depth: number): { id: string; score: number }[] {
  const out: { id: string; score: number }[] = [];
  let cursor: string | undefined;
  while (out.length < depth) {
    const page = index.query({ q: text, mode: 'natural', limit: Math.min(50, depth - out.length), cursor });
    out.push(...page.results.map((r) => ({ id: r.id, score: r.score })));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

function main(): void {
  const program = new Command()
    .name('eval')
    .requiredOption('--collection <dir>', 'collection directory (docs.jsonl, queries.jsonl, qrels.tsv)')
    .option('--run <file>', 'where to write the TREC run (default bench/results/<collection>.run)')
    .parse();
  const opts = program.opts<{ collection: string; run?: string }>();
  const dir = resolve(opts.collection);
  const name = basename(dir);
  const runFile = resolve(opts.run ?? join(import.meta.dirname, 'results', `${name}.run`));

  const started = performance.now();
  const index = PartitionedIndex.empty();
  for (const doc of readJsonl<CollectionDoc>(join(dir, 'docs.jsonl'))) index.applyUpsert(toArticle(doc));
  const built = performance.now();

  const queries = readJsonl<CollectionQuery>(join(dir, 'queries.jsonl'));
  const rows = queries.map((q) => ({ qid: String(q.qid), ranked: rank(index, q.text, RUN_DEPTH) }));
  const searched = performance.now();

  mkdirSync(dirname(runFile), { recursive: true });
  writeFileSync(runFile, formatTrecRun(rows, 'dispatch-archive'));
  const run: Run = new Map(rows.map((r) => [r.qid, r.ranked.map((h) => h.id)]));
  const summary = evaluateRun(run, parseCranfieldQrels(readFileSync(join(dir, 'qrels.tsv'), 'utf8')));

  console.log(
    `collection   ${name}: ${index.size} docs, ${queries.length} queries (${summary.queries} judged)`,
  );
  console.log(`build        ${(built - started).toFixed(0)} ms; search ${(searched - built).toFixed(0)} ms`);
  console.log(`run          ${runFile}`);
  console.log(`nDCG@10      ${summary.ndcg10.toFixed(4)}`);
  console.log(`P@10         ${summary.p10.toFixed(4)}`);
  console.log(`MAP@100      ${summary.map100.toFixed(4)}`);
  console.log(`Recall@100   ${summary.recall100.toFixed(4)}`);
}

main();
