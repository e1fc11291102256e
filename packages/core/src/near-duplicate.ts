/**
 * Near-duplicate detection for stories: MinHash signatures over word shingles, LSH banding to find
 * candidates by key lookups (no scan, no pairwise comparison), and a verification on the signatures.
 *
 * Written here rather than taken from npm: the MinHash packages there (`minhash`, `lsh`) are
 * unmaintained, seed from Math.random (signatures would differ between processes, and band keys
 * must be stable because they are stored), and none estimates containment, which a re-led copy
 * (new lead over the old text) needs. The method is Broder's (1997) MinHash with the banding of
 * Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3.
 *
 * - Shingles: overlapping runs of {@link SHINGLE_WORDS} words of the title and body, lower-cased,
 *   letters and digits only, hashed to 32 bits.
 * - Signature: for each of {@link SIGNATURE_SIZE} seeded hash functions, the least hash over the
 *   shingles. P(two signatures agree at a position) = Jaccard similarity of the shingle sets.
 * - Bands: {@link BANDS} bands of {@link ROWS} rows; two articles become candidates when any band
 *   is equal: P = 1 - (1 - J^ROWS)^BANDS (≈0.34 at J=0.3, 0.86 at 0.5, 0.99 at 0.7).
 * - Verification: estimated Jaccard, and containment (shared shingles over the smaller set, from
 *   the Jaccard and the two set sizes) for a copy that gained or lost a lead or a paragraph.
 */

export const SHINGLE_WORDS = 3;
export const SIGNATURE_SIZE = 64;
export const BANDS = 8;
export const ROWS = 2;
/** Near-duplicates: estimated Jaccard at least this… */
export const MIN_JACCARD = 0.5;
/** …or estimated containment at least this (with a Jaccard of at least {@link MIN_JACCARD_CONTAINED}). */
export const MIN_CONTAINMENT = 0.8;
export const MIN_JACCARD_CONTAINED = 0.3;
/** Copies of one story are published within this many days of each other. */
export const STORY_WINDOW_DAYS = 7;

/** What a near-duplicate check needs of an article. */
export interface DuplicateText {
  title: string;
  paragraphs: readonly string[];
  caption?: string | null;
}

/** An article's fingerprint: signature and shingle count (for containment). */
export interface Fingerprint {
  signature: Uint32Array;
  shingles: number;
}

/** Murmur3's 32-bit finaliser: a cheap bijective mix, so seeded variants behave as independent hashes. */
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a over a string's UTF-16 code units. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fixed seeds (not random: signatures are stored and must agree across processes and years). */
const SEEDS = Uint32Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix32(0x9e3779b9 * (i + 1)));

/** Words of a text as compared: lower case, letters and digits (Unicode), everything else a separator. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** The distinct shingle hashes of a text (a text shorter than one shingle is one shingle). */
export function shingleHashes(text: string): Set<number> {
  const tokens = words(text);
  const hashes = new Set<number>();
  if (tokens.length === 0) return hashes;
  const n = Math.min(SHINGLE_WORDS, tokens.length);
  for (let i = 0; i + n <= tokens.length; i++) hashes.add(hashString(tokens.slice(i, i + n).join(' ')));
  return hashes;
}

/** The text a fingerprint is taken of: title, caption and paragraphs. */
export function duplicateText(article: DuplicateText): string {
  return [article.title, article.caption ?? '', ...article.paragraphs].join('\n');
}

/** MinHash signature of a set of shingle hashes (all 0xffffffff for an empty set). */
export function signatureOf(shingles: ReadonlySet<number>): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const shingle of shingles) {
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      const h = mix32(shingle ^ (SEEDS[i] as number));
      if (h < (signature[i] as number)) signature[i] = h;
    }
  }
  return signature;
}

export function fingerprintOf(article: DuplicateText): Fingerprint {
  const shingles = shingleHashes(duplicateText(article));
  return { signature: signatureOf(shingles), shingles: shingles.size };
}

/**
 * The LSH band keys of a signature: `<band>:<hex of the band's rows hashed>`. Two signatures share
 * a key exactly when some band of theirs is equal (up to a 32-bit collision of the band hash).
 */
export function bandKeys(signature: Uint32Array): string[] {
  const keys: string[] = [];
  for (let band = 0; band < BANDS; band++) {
    let h = 0x811c9dc5 ^ band;
    for (let row = 0; row < ROWS; row++) {
      h = mix32(Math.imul(h ^ (signature[band * ROWS + row] as number), 0x01000193));
    }
    keys.push(`${band.toString(36)}:${h.toString(16).padStart(8, '0')}`);
  }
  return keys;
}

/** Estimated Jaccard similarity: the share of signature positions that agree. */
export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}

export interface Similarity {
  jaccard: number;
  /** Shared shingles over the smaller set: 1 when one text holds the other. */
  containment: number;
}

export function similarity(a: Fingerprint, b: Fingerprint): Similarity {
  const jaccard = estimatedJaccard(a.signature, b.signature);
  const smaller = Math.min(a.shingles, b.shingles);
  if (smaller === 0) return { jaccard, containment: 0 };
  // |A∩B| = J·|A∪B| = J·(|A|+|B|)/(1+J)
  const shared = (jaccard * (a.shingles + b.shingles)) / (1 + jaccard);
  return { jaccard, containment: Math.min(1, shared / smaller) };
}

/** The near-duplicate decision on two fingerprints (time window checked separately). */
export function isNearDuplicate(a: Fingerprint, b: Fingerprint): boolean {
  if (a.shingles === 0 || b.shingles === 0) return false;
  const { jaccard, containment } = similarity(a, b);
  return jaccard >= MIN_JACCARD || (jaccard >= MIN_JACCARD_CONTAINED && containment >= MIN_CONTAINMENT);
}

/** Whether two publication instants are close enough to be copies of one story. */
export function withinStoryWindow(aIso: string, bIso: string): boolean {
  return Math.abs(Date.parse(aIso) - Date.parse(bIso)) <= STORY_WINDOW_DAYS * 86_400_000;
}

/** Signature as base64 (4 bytes a position, little endian) for storage. */
export function encodeSignature(signature: Uint32Array): string {
  return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64');
}

export function decodeSignature(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== SIGNATURE_SIZE * 4) throw new Error('not a signature of this size');
  const signature = new Uint32Array(SIGNATURE_SIZE);
  for (let i = 0; i < SIGNATURE_SIZE; i++) signature[i] = bytes.readUInt32LE(i * 4);
  return signature;
}
