/**
 * Measures snapshot size and encode/decode time per compression on a real corpus.
 *
 *     npx tsx bench/snapshot-codecs.ts [--corpus FILE.jsonl] [--docs 20000]
 *
 * Each decode is timed from the stored bytes to a usable ArchiveIndex (checksum, decompress,
 * deserialize), the median of three runs.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import type { Article } from '@archive/core';
import { decodeSnapshot, type EncodeOptions, encodeSnapshot, PartitionedIndex } from '@archive/search';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpora/reuters21578.jsonl' },
    docs: { type: 'string', default: '20000' },
  },
});

const limit = Number(values.docs);
const articles: Article[] = readFileSync(values.corpus, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .slice(0, limit)
  .map((line, i) => {
    const doc = JSON.parse(line) as { id: unknown; date?: string; title?: string; body?: string };
    const publishedAt = new Date(doc.date ? `${doc.date}Z` : Date.UTC(2000, 0, 1)).toISOString();
    return {
      id: `doc-${String(doc.id ?? i)}`,
      title: doc.title ?? '',
      paragraphs: (doc.body ?? '').split(/\n\s*\n/).filter(Boolean),
      caption: null,
      publishedAt,
      localTime: publishedAt,
      timeZone: 'UTC',
      place: null,
      language: 'en',
      source: 'Reuters',
      url: null,
      tags: [],
      version: 1,
      contentHash: '',
      previousHash: null,
      ingestedAt: publishedAt,
      updatedAt: publishedAt,
    };
  });

const t0 = performance.now();
const index = PartitionedIndex.empty();
for (const article of articles) index.applyUpsert(article);
const buildMs = performance.now() - t0;
const s0 = performance.now();
const raw = index.serialize();
const serializeMs = performance.now() - s0;
console.log(`${index.size} articles; build ${buildMs.toFixed(0)} ms; serialize ${serializeMs.toFixed(0)} ms`);
console.log(`raw payload ${(raw.byteLength / 1e6).toFixed(2)} MB\n`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const time = (fn: () => unknown, runs: number) =>
  median(
    Array.from({ length: runs }, () => {
      const t = performance.now();
      fn();
      return performance.now() - t;
    }),
  );

// Compression alone, on the same raw payload: what the choice of codec changes.
const brotli = (quality: number) => (b: Uint8Array) =>
  brotliCompressSync(b, {
    params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: b.byteLength },
  });
const codecs: [string, (b: Uint8Array) => Uint8Array, (b: Uint8Array) => Uint8Array][] = [
  ['gzip -6', (b) => gzipSync(b, { level: 6 }), (b) => gunzipSync(b)],
  ['brotli q4', brotli(4), (b) => brotliDecompressSync(b)],
  ['brotli q5', brotli(5), (b) => brotliDecompressSync(b)],
  ['brotli q6', brotli(6), (b) => brotliDecompressSync(b)],
  ['brotli q9', brotli(9), (b) => brotliDecompressSync(b)],
];
console.log('| codec | stored MB | ratio | compress ms | decompress ms |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, enc, dec] of codecs) {
  let stored: Uint8Array = raw;
  const compressMs = time(() => {
    stored = enc(raw);
  }, 3);
  const decompressMs = time(() => dec(stored), 5);
  console.log(
    `| ${name} | ${(stored.byteLength / 1e6).toFixed(2)} | ${(stored.byteLength / raw.byteLength).toFixed(3)} | ` +
      `${compressMs.toFixed(0)} | ${decompressMs.toFixed(0)} |`,
  );
}

// End to end with the production codec: stored bytes → usable index, and the write path.
const variants: [string, EncodeOptions][] = [
  ['none', { compression: 'none' }],
  ['gzip -6', { compression: 'gzip' }],
  ['brotli q4 (default)', {}],
];
console.log(
  '\n| snapshot | stored MB | encode ms (serialize+compress) | load ms (verify+decompress+deserialize) |',
);
console.log('|---|---:|---:|---:|');
for (const [name, options] of variants) {
  const e0 = performance.now();
  const bytes = await encodeSnapshot(index, options);
  const encodeMs = performance.now() - e0;
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const d0 = performance.now();
    const decoded = await decodeSnapshot(bytes);
    times.push(performance.now() - d0);
    if (decoded.size !== index.size) throw new Error('decode lost articles');
  }
  console.log(
    `| ${name} | ${(bytes.byteLength / 1e6).toFixed(2)} | ${encodeMs.toFixed(0)} | ${median(times).toFixed(0)} |`,
  );
}
