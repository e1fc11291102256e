/**
 * Seeded pseudo-random numbers for the benchmark: every corpus perturbation and every query is a
 * pure function of a seed, so two runs (and the two sides of one run) see exactly the same inputs.
 * Hand-written because it is ten lines and a dependency would be heavier than the code.
 */

/** A random source in [0, 1). */
export type Random = () => number;

/** mulberry32: small, fast and good enough for sampling (not for anything secret). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes several integers into one seed (FNV-1a over their 32-bit words). */
export function mixSeed(...parts: number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    let value = part >>> 0;
    for (let i = 0; i < 4; i++) {
      hash ^= value & 0xff;
      hash = Math.imul(hash, 0x01000193) >>> 0;
      value >>>= 8;
    }
  }
  return hash;
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** A uniformly chosen element; throws on an empty list so callers never get `undefined`. */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[randomInt(random, items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

/**
 * Samples ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent, the shape of word
 * frequencies in text. Uses a precomputed cumulative table and binary search.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(
    readonly size: number,
    exponent = 1.07,
  ) {
    this.cumulative = new Float64Array(size);
    let total = 0;
    for (let rank = 0; rank < size; rank++) {
      total += 1 / (rank + 1) ** exponent;
      this.cumulative[rank] = total;
    }
    for (let rank = 0; rank < size; rank++) this.cumulative[rank] = (this.cumulative[rank] ?? 0) / total;
  }

  sample(random: Random): number {
    const target = random();
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] ?? 1) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

const ONSETS = [
  'b',
  'br',
  'c',
  'ch',
  'd',
  'f',
  'g',
  'gr',
  'h',
  'k',
  'l',
  'm',
  'n',
  'p',
  'pr',
  'r',
  's',
  'st',
  't',
  'tr',
  'v',
  'z',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou'];
const CODAS = ['', 'n', 'r', 's', 'l', 'nd', 'st', 'm', 'k'];

/**
 * The synthetic word of a given rank: pronounceable, deterministic, nearly always distinct per rank (the
 * rank is encoded in the syllable choices), longer for rarer ranks like real vocabularies.
 */
export function syntheticWord(rank: number): string {
  let value = rank;
  const syllables = 2 + (rank > 2_000 ? 1 : 0) + (rank > 60_000 ? 1 : 0);
  let word = '';
  for (let i = 0; i < syllables; i++) {
    word += ONSETS[value % ONSETS.length];
    value = Math.floor(value / ONSETS.length);
    word += VOWELS[value % VOWELS.length];
    value = Math.floor(value / VOWELS.length);
    word += CODAS[value % CODAS.length];
    value = Math.floor(value / CODAS.length);
  }
  // Ranks beyond what the syllables can encode keep their identity through a suffix.
  return value > 0 ? `${word}${value.toString(36)}` : word;
}
