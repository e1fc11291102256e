import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Article } from '@archive/core';
import { articleId } from '@archive/core';
import { mixSeed, type Random, seededRandom, syntheticWord, ZipfSampler } from './prng';

/** One article of the base corpus, before replication. */
export interface SourceArticle {
  title: string;
  paragraphs: string[];
  /** Publication instant, epoch milliseconds (UTC). */
  publishedAtMs: number;
  place: string | null;
  source: string | null;
  tags: string[];
}

/** How the base corpus is grown to the requested size (see bench/README.md). */
export const GROWTH = {
  /** Share of the word tokens of copy k ≥ 1 that are replaced. */
  perturbedShare: 0.1,
  /** Of the replaced tokens, the share that become `word + base36(k)`; the rest are Zipf words. */
  suffixShare: 0.5,
  /** Size and exponent of the synthetic Zipf vocabulary the other replacements are drawn from. */
  zipfVocabulary: 200_000,
  zipfExponent: 1.07,
} as const;

const DAY_MS = 86_400_000;
const WORD = /\p{L}[\p{L}\p{N}]*/gu;

/**
 * Reads a JSONL corpus: one object a line with `title`, `body` (string or paragraphs) and a date
 * (`publishedAt` or `date`, ISO; no offset means UTC), optional `place`, `source`, `tags`/`topics`.
 * Records without a title, body or valid date are skipped, as the importer rejects them.
 */
export async function readJsonlCorpus(path: string): Promise<SourceArticle[]> {
  const articles: SourceArticle[] = [];
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const article = toSourceArticle(JSON.parse(line) as Record<string, unknown>);
    if (article) articles.push(article);
  }
  return articles;
}

function toSourceArticle(record: Record<string, unknown>): SourceArticle | null {
  const title = typeof record.title === 'string' ? record.title.trim() : '';
  const body = record.body;
  const paragraphs = (Array.isArray(body) ? body : typeof body === 'string' ? body.split(/\n\s*\n/) : [])
    .filter((p): p is string => typeof p === 'string')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const dateText = record.publishedAt ?? record.date;
  if (!title || paragraphs.length === 0 || typeof dateText !== 'string' || !dateText) return null;
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/.test(dateText);
  const publishedAtMs = Date.parse(hasZone ? dateText : `${dateText}Z`);
  if (Number.isNaN(publishedAtMs)) return null;
  const tags = record.tags ?? record.topics;
  return {
    title,
    paragraphs,
    publishedAtMs,
    place: typeof record.place === 'string' ? record.place : null,
    source: typeof record.source === 'string' ? record.source : 'Reuters',
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
  };
}

/**
 * Grows (or trims) the base corpus to exactly `docs` articles. Copy 0 is the base corpus as is;
 * copy k ≥ 1 gets new ids, dates shifted by k × (the base corpus' date span + 1 day) so that every
 * copy occupies its own stretch of time, and a seeded share of its word tokens replaced (see
 * {@link GROWTH}) so the vocabulary keeps growing with the corpus.
 */
export function growCorpus(base: readonly SourceArticle[], docs: number, seed: number): Article[] {
  if (base.length === 0) throw new Error('the base corpus is empty');
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const a of base) {
    min = Math.min(min, a.publishedAtMs);
    max = Math.max(max, a.publishedAtMs);
  }
  const copySpanMs = Math.ceil((max - min) / DAY_MS + 1) * DAY_MS;
  const zipf = new ZipfSampler(GROWTH.zipfVocabulary, GROWTH.zipfExponent);
  const articles: Article[] = [];
  const seen = new Set<string>();
  for (let n = 0; articles.length < docs; n++) {
    const copy = Math.floor(n / base.length);
    const index = n % base.length;
    const source = base[index];
    if (!source) break;
    const article = makeCopy(source, copy, copy * copySpanMs, seededRandom(mixSeed(seed, copy, index)), zipf);
    // Two base records with the same title and instant share an id; keep the first. Shifted copies
    // never collide with earlier ones, so the loop always progresses.
    if (seen.has(article.id)) continue;
    seen.add(article.id);
    articles.push(article);
  }
  return articles;
}

function makeCopy(
  source: SourceArticle,
  copy: number,
  shiftMs: number,
  random: Random,
  zipf: ZipfSampler,
): Article {
  const perturb = (text: string): string => (copy === 0 ? text : perturbText(text, copy, random, zipf));
  const title = perturb(source.title);
  const paragraphs = source.paragraphs.map(perturb);
  const publishedAt = new Date(source.publishedAtMs + shiftMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: articleId(title, publishedAt),
    title,
    paragraphs,
    caption: null,
    publishedAt,
    localTime: publishedAt.replace('Z', '+00:00'),
    timeZone: 'UTC',
    place: source.place,
    language: 'en',
    source: source.source,
    url: null,
    tags: source.tags,
    version: 1,
    // Not a real content hash: nothing in the benchmark reads it, and hashing every copy is waste.
    contentHash: '',
    previousHash: null,
    ingestedAt: publishedAt,
    updatedAt: publishedAt,
  };
}

/** Replaces about {@link GROWTH.perturbedShare} of the word tokens, keeping punctuation and spacing. */
export function perturbText(text: string, copy: number, random: Random, zipf: ZipfSampler): string {
  const suffix = copy.toString(36);
  return text.replace(WORD, (word) => {
    if (random() >= GROWTH.perturbedShare) return word;
    return random() < GROWTH.suffixShare ? `${word}${suffix}` : syntheticWord(zipf.sample(random));
  });
}
