/**
 * What `collapse=story` costs the engine beside one ordinary page: the page's request (10 hits,
 * facets, `histogram=auto`) answered plainly and collapsed, on the Reuters corpus, median of many.
 *
 *   flock /work/coord/bench.lock npx tsx bench/collapse-cost.ts [../shared/corpora/reuters21578.jsonl]
 */
import { collapsedSearch } from '@archive/api';
import type { SearchRequest } from '@archive/search';
import { growCorpus, readJsonlCorpus } from './corpus';
import { buildProductionIndex } from './production';

const corpus =
  process.argv[2] ?? new URL('../../shared/corpora/reuters21578.jsonl', import.meta.url).pathname;
const QUERIES = [
  'oil',
  'wheat',
  'dollar',
  'bank',
  'trade',
  'coffee',
  'gold',
  'tariff',
  'strike',
  'shipping',
  '',
];
const ROUNDS = 5;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
};

const base = await readJsonlCorpus(corpus);
const index = buildProductionIndex(growCorpus(base, base.length, 1));
process.stdout.write(`corpus: ${corpus}, ${index.size} articles indexed\n`);
const page = (q: string): SearchRequest => ({ q: q || undefined, limit: 10, histogram: 'auto' });
for (const q of QUERIES) {
  await index.query(page(q));
  await collapsedSearch(index, page(q));
}
const plain: number[] = [];
const collapsed: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const q of QUERIES) {
    let t0 = performance.now();
    await index.query(page(q));
    plain.push(performance.now() - t0);
    t0 = performance.now();
    await collapsedSearch(index, page(q));
    collapsed.push(performance.now() - t0);
  }
}
process.stdout.write(
  `one page (limit 10, histogram=auto), ${QUERIES.length} queries × ${ROUNDS}: ` +
    `plain median ${median(plain).toFixed(1)} ms, collapse=story median ${median(collapsed).toFixed(1)} ms ` +
    `(${(median(collapsed) / median(plain)).toFixed(1)}×)\n`,
);
