/**
 * The matching documents of a (sub)query as parallel typed arrays sorted by MiniSearch short id.
 * Why not a Map of per-hit objects: a word in nearly every document matches 100k of them, and the
 * Map and object work per hit cost ten times the BM25 arithmetic. Sorted arrays make union and
 * intersection linear merges and filters in-place compactions. Hand-written because the operations
 * are a few loops each and no dependency offers sorted typed-array set operations.
 */
export class HitList {
  /** Short ids, ascending. Only the first `size` entries of each array are meaningful. */
  readonly ids: Int32Array;
  /** BM25 sums (mutable: the proximity rerank adds its bonus in place). */
  readonly scores: Float64Array;
  /** Matched index terms of each hit, as codes of the query's {@link TermSetTable}. */
  readonly termSets: Int32Array;
  size: number;

  constructor(capacity: number) {
    this.ids = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
    this.termSets = new Int32Array(capacity);
    this.size = 0;
  }

  push(id: number, score: number, termSet: number): void {
    const n = this.size;
    this.ids[n] = id;
    this.scores[n] = score;
    this.termSets[n] = termSet;
    this.size = n + 1;
  }

  /** Keeps the hits whose short id passes `keep` (in place; order kept). */
  filter(keep: (shortId: number) => boolean): this {
    const { ids, scores, termSets } = this;
    let w = 0;
    for (let r = 0; r < this.size; r++) {
      const id = ids[r] as number;
      if (!keep(id)) continue;
      if (w !== r) {
        ids[w] = id;
        scores[w] = scores[r] as number;
        termSets[w] = termSets[r] as number;
      }
      w++;
    }
    this.size = w;
    return this;
  }

  /** Removes the hits whose short id is in `other` (in place). */
  subtract(other: HitList): this {
    const drop = other.ids;
    let j = 0;
    // `filter` visits ids in ascending order, as `other`'s are: one merge pass.
    return this.filter((id) => {
      while (j < other.size && (drop[j] as number) < id) j++;
      return !(j < other.size && drop[j] === id);
    });
  }
}

/**
 * Documents in `a` or `b`; a document in both gets the sum of its scores and the union of its
 * terms (one addition per document, as the Map-based OR did, so scores stay bit-identical).
 */
export function unionHits(a: HitList, b: HitList, table: TermSetTable): HitList {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = new HitList(a.size + b.size);
  const { ids: oi, scores: os, termSets: ot } = out;
  const { ids: ai, scores: as, termSets: at } = a;
  const { ids: bi, scores: bs, termSets: bt } = b;
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.size && j < b.size) {
    const x = ai[i] as number;
    const y = bi[j] as number;
    if (x < y) {
      oi[n] = x;
      os[n] = as[i] as number;
      ot[n++] = at[i++] as number;
    } else if (y < x) {
      oi[n] = y;
      os[n] = bs[j] as number;
      ot[n++] = bt[j++] as number;
    } else {
      oi[n] = x;
      os[n] = (as[i] as number) + (bs[j] as number);
      ot[n++] = table.union(at[i++] as number, bt[j++] as number);
    }
  }
  for (; i < a.size; i++, n++) {
    oi[n] = ai[i] as number;
    os[n] = as[i] as number;
    ot[n] = at[i] as number;
  }
  for (; j < b.size; j++, n++) {
    oi[n] = bi[j] as number;
    os[n] = bs[j] as number;
    ot[n] = bt[j] as number;
  }
  out.size = n;
  return out;
}

/** Documents in both `a` and `b`, with summed scores and united terms. */
export function intersectHits(a: HitList, b: HitList, table: TermSetTable): HitList {
  const out = new HitList(Math.min(a.size, b.size));
  const { ids: ai, scores: as, termSets: at } = a;
  const { ids: bi, scores: bs, termSets: bt } = b;
  let i = 0;
  let j = 0;
  while (i < a.size && j < b.size) {
    const x = ai[i] as number;
    const y = bi[j] as number;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      out.push(x, (as[i] as number) + (bs[j] as number), table.union(at[i] as number, bt[j] as number));
      i++;
      j++;
    }
  }
  return out;
}

/**
 * Matched-term sets of one query, interned: code 0 is the empty set, equal sets share a code, and
 * adding a term or uniting two sets is memoised, so a query matching 100k documents builds a
 * handful of sets and pays an integer compare per posting, not a Map lookup.
 */
export class TermSetTable {
  private readonly sets: ReadonlySet<string>[] = [new Set()];
  private readonly byKey = new Map<string, number>([['', 0]]);
  /** code → term → code with that term added */
  private readonly added: Map<string, number>[] = [];
  /** a × 2^26 + b → code of the union (codes stay far below 2^26: at most one per matched document) */
  private readonly unions = new Map<number, number>();
  private lastA = 0;
  private lastB = 0;
  private lastUnion = 0;

  /** The set of a code (shared: treat as immutable). */
  get(code: number): ReadonlySet<string> {
    return this.sets[code] as ReadonlySet<string>;
  }

  /** The code of a set of terms. */
  intern(terms: Iterable<string>): number {
    const set = new Set(terms);
    const key = [...set].sort().join('\u0000');
    let code = this.byKey.get(key);
    if (code === undefined) {
      code = this.sets.length;
      this.sets.push(set);
      this.byKey.set(key, code);
    }
    return code;
  }

  /** The code of `code`'s set with `term` added. */
  withTerm(code: number, term: string): number {
    let byTerm = this.added[code];
    if (!byTerm) {
      byTerm = new Map();
      this.added[code] = byTerm;
    }
    let next = byTerm.get(term);
    if (next === undefined) {
      const set = this.get(code);
      next = set.has(term) ? code : this.intern([...set, term]);
      byTerm.set(term, next);
    }
    return next;
  }

  /** The code of the union of two codes' sets. */
  union(a: number, b: number): number {
    if (a === b || b === 0) return a;
    if (a === 0) return b;
    if (a === this.lastA && b === this.lastB) return this.lastUnion;
    const key = a * 0x4000000 + b;
    let merged = this.unions.get(key);
    if (merged === undefined) {
      merged = this.intern([...this.get(a), ...this.get(b)]);
      this.unions.set(key, merged);
    }
    this.lastA = a;
    this.lastB = b;
    this.lastUnion = merged;
    return merged;
  }
}
