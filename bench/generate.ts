import type { SourceArticle } from './corpus';
import { mixSeed, pick, type Random, randomInt, seededRandom, syntheticWord, ZipfSampler } from './prng';

/**
 * A deterministic generator of news-like articles, used when the shared Reuters corpus is absent
 * (fresh clones, `npm test`). Titles and bodies mix a fixed newsroom vocabulary (places,
 * organisations, verbs, topics) with a Zipf-distributed synthetic vocabulary, so that word
 * frequencies, article lengths and date spread look like a wire archive to an index.
 */

const PLACES = [
  'Jerusalem',
  'Geneva',
  'Amman',
  'Beirut',
  'Damascus',
  'Cairo',
  'Baghdad',
  'Tehran',
  'London',
  'Washington',
  'Moscow',
  'Paris',
  'Brussels',
  'Ankara',
  'Riyadh',
  'Doha',
  'Gaza',
  'Berlin',
  'Tokyo',
];
const ACTORS = [
  'the government',
  'the opposition',
  'the central bank',
  'the foreign minister',
  'the president',
  'negotiators',
  'the United Nations',
  'the European Union',
  'the army',
  'aid agencies',
  'analysts',
  'the prime minister',
  'the parliament',
  'investors',
  'the ministry of finance',
  'rebel groups',
];
const VERBS = [
  'said',
  'announced',
  'rejected',
  'welcomed',
  'warned',
  'agreed',
  'proposed',
  'discussed',
  'denied',
  'confirmed',
  'criticised',
  'approved',
  'delayed',
  'signed',
  'reported',
  'expected',
];
const TOPICS = [
  'peace initiative',
  'ceasefire talks',
  'oil exports',
  'interest rates',
  'election results',
  'humanitarian aid',
  'border crossing',
  'trade agreement',
  'budget deficit',
  'nuclear programme',
  'refugee camps',
  'security council',
  'grain shipments',
  'currency reserves',
  'prisoner exchange',
];
const SOURCES = ['Bench Wire', 'Desk Service', 'Regional Bureau'];
const TAGS = ['politics', 'economy', 'diplomacy', 'security', 'energy', 'markets', 'aid'];

const START_MS = Date.UTC(2020, 0, 1);
const SPAN_MS = Date.UTC(2025, 0, 1) - START_MS;

/** `count` articles, identical for the same seed. */
export function generateCorpus(count: number, seed: number): SourceArticle[] {
  const zipf = new ZipfSampler(20_000, 1.1);
  const articles: SourceArticle[] = [];
  for (let i = 0; i < count; i++) articles.push(generateArticle(seededRandom(mixSeed(seed, i)), zipf));
  return articles;
}

function generateArticle(random: Random, zipf: ZipfSampler): SourceArticle {
  const place = pick(random, PLACES);
  const topic = pick(random, TOPICS);
  const title = `${capitalise(pick(random, ACTORS))} ${pick(random, VERBS)} ${topic} in ${place}`;
  const paragraphCount = 2 + randomInt(random, 6);
  const paragraphs: string[] = [];
  for (let p = 0; p < paragraphCount; p++) {
    const sentences: string[] = [];
    const sentenceCount = 1 + randomInt(random, 4);
    for (let s = 0; s < sentenceCount; s++) sentences.push(sentence(random, zipf, place, topic));
    paragraphs.push(sentences.join(' '));
  }
  const tagCount = 1 + randomInt(random, 2);
  const tags = Array.from({ length: tagCount }, () => pick(random, TAGS));
  return {
    title,
    paragraphs,
    publishedAtMs: START_MS + Math.floor(random() * (SPAN_MS / 1000)) * 1000,
    place,
    source: pick(random, SOURCES),
    tags: [...new Set(tags)],
  };
}

function sentence(random: Random, zipf: ZipfSampler, place: string, topic: string): string {
  const filler = Array.from({ length: 4 + randomInt(random, 12) }, () => syntheticWord(zipf.sample(random)));
  const middle = random() < 0.3 ? ` on the ${topic}` : random() < 0.3 ? ` in ${place}` : '';
  return `${capitalise(pick(random, ACTORS))} ${pick(random, VERBS)}${middle} ${filler.join(' ')}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
