/**
 * What the surface vocabulary (fuzzy words and spelling hints on words as written) costs a segment:
 * the Reuters corpus as one segment, encoded with and without the section; its bytes (payload and
 * stored, brotli), the decode time of the stored segment (median of several, the two alternating),
 * the first fuzzy walk after a load (building the tree from the section, or deriving it from the
 * texts as for a segment written before the section), and fuzzy walks on stems against walks on
 * words for hostile and ordinary fuzzy words.
 *
 * With --expose-gc it also weighs the tree a loaded vocabulary builds on its first fuzzy query.
 *
 *   node --expose-gc --import tsx bench/surface-cost.ts [../shared/corpora/reuters21578.jsonl] [runs]
 */
import {
  ANALYZER,
  ArchiveIndex,
  decodeSegment,
  encodeSnapshot,
  fuzzyMatches,
  fuzzyTerms,
  MAX_SPELLCHECK_STEPS,
  SurfaceVocabulary,
} from '@archive/search';
import { growCorpus, readJsonlCorpus } from './corpus';

const corpus =
  process.argv[2] ?? new URL('../../shared/corpora/reuters21578.jsonl', import.meta.url).pathname;
const RUNS = Number(process.argv[3] ?? 7);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
};
const time = (f: () => void) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const out = (line: string) => process.stdout.write(`${line}\n`);

const base = await readJsonlCorpus(corpus);
const index = ArchiveIndex.empty();
for (const article of growCorpus(base, base.length, 1)) index.applyUpsert(article);
const withSection = index.serialize();
const without = index.serialize({ surface: false });
const stored = async (raw: Uint8Array) => encodeSnapshot({ raw, articleCount: index.size });
const storedWith = await stored(withSection);
const storedWithout = await stored(without);
const surface = index.surface();
out(`corpus: ${corpus}, ${index.size} articles as one segment`);
out(`vocabulary: ${surface.size} surface words, ${index.engine.termCount} index terms (stems)`);
out(
  `payload: ${kb(without.byteLength)} → ${kb(withSection.byteLength)} (+${kb(withSection.byteLength - without.byteLength)}, ` +
    `×${(withSection.byteLength / without.byteLength).toFixed(3)})`,
);
out(
  `stored (brotli): ${kb(storedWithout.byteLength)} → ${kb(storedWith.byteLength)} ` +
    `(+${kb(storedWith.byteLength - storedWithout.byteLength)}, ×${(storedWith.byteLength / storedWithout.byteLength).toFixed(3)})`,
);

const decodeWith: number[] = [];
const decodeWithout: number[] = [];
const firstWith: number[] = [];
const firstWithout: number[] = [];
for (let run = 0; run < RUNS; run++) {
  for (const [bytes, decodes, firsts] of [
    [storedWithout, decodeWithout, firstWithout],
    [storedWith, decodeWith, firstWith],
  ] as const) {
    const t0 = performance.now();
    const loaded = await decodeSegment(bytes);
    decodes.push(performance.now() - t0);
    firsts.push(time(() => loaded.surface().fuzzy('goverment', 2)));
  }
}
out(`decode of the stored segment, median of ${RUNS}:`);
out(
  `  without the section ${median(decodeWithout).toFixed(1)} ms, with it ${median(decodeWith).toFixed(1)} ms ` +
    `(×${(median(decodeWith) / median(decodeWithout)).toFixed(3)})`,
);
out(`first fuzzy walk after a load, median of ${RUNS}:`);
out(
  `  tree built from the section ${median(firstWith).toFixed(1)} ms; ` +
    `derived from the texts (a segment without the section) ${median(firstWithout).toFixed(1)} ms`,
);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  const section = surface.encode();
  const kept: SurfaceVocabulary[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 5; i++) {
    const loaded = SurfaceVocabulary.fromSection(section);
    loaded.fuzzy('goverment', 1);
    kept.push(loaded);
  }
  gc();
  const perTree = (process.memoryUsage().heapUsed - before) / kept.length;
  out(
    `heap of the tree built on first use: ${(perTree / 1048576).toFixed(1)} MiB (section ${kb(section.byteLength)})`,
  );
}

/** Walks on stems (before) and on words (now) for a few fuzzy words, each the median of RUNS. */
const PROBES: [string, number][] = [
  ['goverment', 2],
  ['govrnment', 2],
  ['negotiatons', 2],
  ['said', 2],
  ['oilx', 2],
  ['x'.repeat(64), 2],
  ['qwertyuiopasdfghjklzxcvbnmqwertyuiop', 2],
];
out(`fuzzy walks, median of ${RUNS} (stems: MiniSearch's fuzzyGet on the term tree; words: fuzzyMatches):`);
for (const [word, distance] of PROBES) {
  const stem = ANALYZER.term(word) ?? word;
  let stems = 0;
  let words = 0;
  const stemTimes: number[] = [];
  const wordTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    stemTimes.push(time(() => (stems = fuzzyTerms(index.engine, stem, distance).length)));
    wordTimes.push(time(() => (words = fuzzyMatches(surface, ANALYZER, word, distance).length)));
  }
  const boundedTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const budget = { steps: MAX_SPELLCHECK_STEPS };
    boundedTimes.push(time(() => fuzzyMatches(surface, ANALYZER, word, distance, budget)));
  }
  const bounded = median(boundedTimes);
  out(
    `  ${word.slice(0, 20)}~${distance}: stems ${median(stemTimes).toFixed(2)} ms (${stems} terms), ` +
      `words ${median(wordTimes).toFixed(2)} ms (${words} terms), bounded spell-check walk ${bounded.toFixed(2)} ms`,
  );
}

/**
 * Steps a spelling walk takes on this vocabulary: words of the corpus with one letter dropped (a
 * typo), at the distance the hint uses (2 from 7 letters, else 1), walked without a bound. Four such
 * walks share one query's MAX_SPELLCHECK_STEPS.
 */
let seed = 3;
const random = () => {
  seed = (seed * 48271) % 2147483647;
  return seed / 2147483647;
};
const typed = base
  .flatMap((a) =>
    a.paragraphs
      .join(' ')
      .toLowerCase()
      .split(/[^a-z]+/),
  )
  .filter((w) => w.length >= 4);
const steps: number[] = [];
for (let k = 0; k < 400; k++) {
  const word = typed[Math.floor(random() * typed.length)] as string;
  const cut = Math.floor(random() * word.length);
  const budget = { steps: Number.MAX_SAFE_INTEGER };
  const typo = word.slice(0, cut) + word.slice(cut + 1);
  surface.fuzzy(typo, typo.length >= 7 ? 2 : 1, budget);
  steps.push(Number.MAX_SAFE_INTEGER - budget.steps);
}
steps.sort((a, b) => a - b);
out(
  `spelling walk steps over ${surface.size} words (400 typos): median ${steps[200]}, p90 ${steps[360]}, max ${steps[399]} (budget ${MAX_SPELLCHECK_STEPS} per query)`,
);
