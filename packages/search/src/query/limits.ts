/**
 * Guards on what one query may cost. Issue 3 measured on a 20k-article index: a 1-character prefix
 * query 0.5–1.1 s, fuzzy distance 6 on an 8-letter word 1.7 s, twenty 1-letter prefixes exhausting
 * the heap. Every limit is documented in docs/SEARCH.md; breaking one is a 400 unless noted.
 */

/**
 * Longest `q` read, in characters: a pasted paragraph or page of a few thousand characters is
 * answered; plain text beyond it is cut (with a note), a query with operators beyond it is a 400.
 */
export const MAX_QUERY_LENGTH = 4096;
/** Longest `q` the API accepts at all (a 400 beyond: nothing typed or pasted in a search box is this long). */
export const MAX_QUERY_PARAMETER_LENGTH = 32_768;
/**
 * Most term clauses (words, phrase words, prefixes, fuzzy terms) after analysis. An operator query
 * beyond it is a 400; plain words beyond it are answered with the MAX_QUERY_TERMS carrying most
 * meaning (query/relax.ts), the others listed as `missing`.
 */
export const MAX_QUERY_TERMS = 32;
/**
 * Plain words are relaxed (the least informative stop being required) while fewer articles than a
 * page (DEFAULT_LIMIT, whatever `limit` the request gives, so that every page of one query is cut
 * from the same answer) contain all the required ones.
 */
export const RELAX_BELOW = 10;
/** Longest accepted word, in characters (no natural word is longer; long ones are junk or attacks). */
export const MAX_TERM_LENGTH = 64;
/** Most words in one quoted phrase. */
export const MAX_PHRASE_TERMS = 12;
/** Shortest prefix before `*`, in characters. */
export const MIN_PREFIX_LENGTH = 3;
/** Most prefix clauses in one query. */
export const MAX_PREFIX_TERMS = 4;
/** Most fuzzy clauses in one query. */
export const MAX_FUZZY_TERMS = 4;
/** Index terms one prefix may expand to (the most frequent are kept: a degraded but fast answer). */
export const MAX_PREFIX_EXPANSIONS = 64;
/** Largest edit distance for `word~N`. */
export const MAX_FUZZY_DISTANCE = 2;
/** Words shorter than this are matched exactly even with `~` (one edit on 3 letters is noise). */
export const MIN_FUZZY_TERM_LENGTH = 4;
/** Deepest nesting of parentheses. */
export const MAX_NESTING = 4;

/** Page size bounds. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 50;
/**
 * Page size bound of a request without snippets (`snippets: false`, never from `GET /search`):
 * such hits are cheap, and `collapse=story` reads its whole window of 500 in one.
 */
export const MAX_UNRENDERED_LIMIT = 500;
/** Most buckets returned per facet (months are never cut: one per month of the result set). */
export const MAX_FACET_BUCKETS = 50;
/** Most buckets of a `histogram` (a finer interval over a longer result set is a 400). */
export const MAX_HISTOGRAM_BUCKETS = 1000;
/** `histogram=auto` picks the finest interval with at most this many buckets (a year by day). */
export const AUTO_HISTOGRAM_BUCKETS = 366;
/** didYouMean is offered when a query finds fewer hits than this. */
export const DID_YOU_MEAN_BELOW = 3;
/**
 * Most words one didYouMean spell-checks (the first ones typed). Each is a fuzzy walk of the whole
 * vocabulary: issue 12 measured 32 unknown words at 461 ms on an inflated vocabulary.
 */
export const MAX_SPELLCHECK_WORDS = 4;
/**
 * Most radix-tree characters the spell-check walks of one query may compare, per host of partitions
 * (radix-tree.ts's boundedFuzzyWalk over the surface vocabulary); beyond it the hint uses what was
 * found so far. A typo's walk on Reuters' 45k words takes ~2,200 steps (median; max ~16,700,
 * bench/surface-cost.ts), so four fit; 200,000 let 32 unknown words on a vocabulary inflated to 576k
 * random words hold the event loop 88–134 ms, 100,000 65–96 ms (docs/INDEX-LIFECYCLE.md).
 */
export const MAX_SPELLCHECK_STEPS = 100_000;

/** `/suggest` bounds. */
export const MIN_SUGGEST_PREFIX = 2;
export const MAX_SUGGEST_QUERY_LENGTH = 128;
export const DEFAULT_SUGGEST_LIMIT = 5;
export const MAX_SUGGEST_LIMIT = 10;
