/**
 * `npm run bench:stories`: what story detection decides and what it costs.
 *
 * 1. The labelled set (test/fixtures/story-variants.ts): pairwise precision and recall of the
 *    ingest-time assignment, recall per kind of copy, and of the bare pairwise decision.
 * 2. Reuters-21578 (../shared/corpora/reuters21578.jsonl) in date order through the assigner:
 *    how many articles join an earlier story, with examples.
 * 3. Ingest throughput through the local server (POST /dispatches, NDJSON batches) with story
 *    detection on and off, alternating fresh runtimes, same run: medians and their ratio.
 *
 * Options: --docs N (articles for the throughput runs, default 5000), --rounds N (default 3).
 */
import { parseArgs } from 'node:util';
import {
  type ArticleDraft,
  fingerprintOf,
  isNearDuplicate,
  parseDispatch,
  withinStoryWindow,
} from '@archive/core';
import { createLocalRuntime, defaultPlugins } from '@archive/local';
import { labelledStorySet } from '../test/fixtures/story-variants';
import { readJsonlCorpus, type SourceArticle } from './corpus';
import { assignInOrder, pairScores } from './story-eval';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    corpus: { type: 'string', default: '../shared/corpora/reuters21578.jsonl' },
  },
});
const DOCS = Number(values.docs);
const ROUNDS = Number(values.rounds);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function labelled(): Promise<void> {
  const set = labelledStorySet();
  const stories = await assignInOrder(
    set.map((e) => e.draft),
    1,
  );
  const labels = set.map((e) => e.story);
  const scores = pairScores(
    labels,
    set.map((e) => stories.get(e.draft.id) as string),
  );
  console.log(
    `\n## Labelled set: ${set.length} dispatches, ${new Set(labels).size} stories, ${scores.pairs} pairs`,
  );
  console.log(
    `assignment (LSH candidates + verification, arrival in file order): precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)} (TP ${scores.truePositives}, FP ${scores.falsePositives}, FN ${scores.falseNegatives})`,
  );
  const originals = new Map(set.filter((e) => e.kind === 'original').map((e) => [e.story, e.draft.id]));
  const kinds = new Map<string, { joined: number; total: number }>();
  for (const entry of set) {
    if (entry.kind === 'original') continue;
    const base =
      entry.kind === 'other-same-place-day'
        ? originals.get(entry.story.replace(/-other$/, ''))
        : originals.get(entry.story);
    const joined = stories.get(entry.draft.id) === stories.get(base as string);
    const k = kinds.get(entry.kind) ?? { joined: 0, total: 0 };
    k.total++;
    if (joined) k.joined++;
    kinds.set(entry.kind, k);
  }
  for (const [kind, k] of kinds) console.log(`  ${kind}: ${k.joined}/${k.total} in the original's story`);
  // The bare decision on every pair (no LSH): what verification alone would say.
  const fps = set.map((e) => fingerprintOf(e.draft));
  const said = set.map((_, i) => String(i));
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      const same = labels[i] === labels[j];
      const dup =
        isNearDuplicate(fps[i] as never, fps[j] as never) &&
        withinStoryWindow(
          (set[i] as { draft: ArticleDraft }).draft.publishedAt,
          (set[j] as { draft: ArticleDraft }).draft.publishedAt,
        );
      if (same && dup) tp++;
      else if (dup) fp++;
      else if (same) fn++;
    }
  }
  void said;
  console.log(
    `pairwise decision alone: precision ${(tp / (tp + fp || 1)).toFixed(3)}, recall ${(tp / (tp + fn || 1)).toFixed(3)}`,
  );
}

function toDraft(article: SourceArticle): ArticleDraft | null {
  const parsed = parseDispatch(
    {
      kind: 'json',
      value: {
        title: article.title,
        body: article.paragraphs,
        publishedAt: new Date(article.publishedAtMs).toISOString(),
        source: article.source,
        tags: article.tags,
      },
    },
    {},
  );
  return parsed.ok ? parsed.draft : null;
}

async function reuters(corpus: SourceArticle[]): Promise<void> {
  const drafts = corpus
    .map(toDraft)
    .filter((d): d is ArticleDraft => d !== null)
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id));
  // One dispatch uploaded twice has one id (idempotent ingest): count distinct articles.
  const unique = [...new Map(drafts.map((d) => [d.id, d])).values()];
  const started = performance.now();
  const stories = await assignInOrder(unique, 250);
  const seconds = (performance.now() - started) / 1000;
  const members = new Map<string, ArticleDraft[]>();
  for (const draft of unique) {
    const story = stories.get(draft.id) as string;
    const list = members.get(story) ?? [];
    list.push(draft);
    members.set(story, list);
  }
  const joined = unique.filter((d) => stories.get(d.id) !== d.id).length;
  const multi = [...members.values()].filter((m) => m.length > 1);
  console.log(`\n## Reuters-21578: ${unique.length} articles in date order, batches of 250`);
  console.log(
    `joined an earlier story: ${joined} (${pct(joined / unique.length)}); stories with more than one article: ${multi.length}; largest: ${Math.max(...multi.map((m) => m.length))}`,
  );
  console.log(`assignment alone: ${(unique.length / seconds).toFixed(0)} articles/s (in-memory band store)`);
  const sizes = new Map<number, number>();
  for (const m of multi) sizes.set(m.length, (sizes.get(m.length) ?? 0) + 1);
  console.log(
    `story sizes: ${[...sizes]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(', ')}`,
  );
  // Examples spread over the corpus (deterministic: every k-th multi-article story).
  const step = Math.max(1, Math.floor(multi.length / 8));
  for (let i = 0; i < multi.length && i < step * 8; i += step) {
    const m = multi[i] as ArticleDraft[];
    console.log(`  - ${m.map((d) => `"${d.title}" (${d.publishedAt.slice(0, 16)})`).join(' | ')}`);
  }
}

async function ingestOnce(corpus: SourceArticle[], storyDetection: boolean): Promise<number> {
  const runtime = await createLocalRuntime({
    dataDir: null,
    storyDetection,
    plugins: defaultPlugins(),
    log: () => {},
    logger: { error: () => {} },
  });
  try {
    const url = await runtime.listen(0);
    const started = performance.now();
    for (let i = 0; i < corpus.length; i += 250) {
      const body = corpus
        .slice(i, i + 250)
        .map((a) =>
          JSON.stringify({
            title: a.title,
            body: a.paragraphs,
            publishedAt: new Date(a.publishedAtMs).toISOString(),
            source: a.source,
            tags: a.tags,
          }),
        )
        .join('\n');
      const response = await fetch(`${url}/dispatches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      if (!response.ok) throw new Error(`ingest answered ${response.status}`);
      await response.arrayBuffer();
    }
    return corpus.length / ((performance.now() - started) / 1000);
  } finally {
    await runtime.close();
  }
}

async function throughput(corpus: SourceArticle[]): Promise<void> {
  const slice = corpus.slice(0, DOCS);
  const on: number[] = [];
  const off: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first so warm-up and machine noise fall on both sides.
    if (round % 2 === 0) {
      off.push(await ingestOnce(slice, false));
      on.push(await ingestOnce(slice, true));
    } else {
      on.push(await ingestOnce(slice, true));
      off.push(await ingestOnce(slice, false));
    }
  }
  console.log(
    `\n## Ingest throughput: ${slice.length} Reuters articles, POST /dispatches NDJSON batches of 250, ${ROUNDS} rounds`,
  );
  console.log(
    `without stories: ${off.map((x) => x.toFixed(0)).join(', ')} articles/s (median ${median(off).toFixed(0)})`,
  );
  console.log(
    `with stories:    ${on.map((x) => x.toFixed(0)).join(', ')} articles/s (median ${median(on).toFixed(0)})`,
  );
  console.log(`ratio with/without: ${(median(on) / median(off)).toFixed(2)}×`);
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await labelled();
const corpus = await readJsonlCorpus(values.corpus as string);
await reuters(corpus);
await throughput(corpus);
