import { type Analyzer, type Token, tokenizeWithOffsets } from './analysis';

/** Longest snippet, in characters of source text (ellipses and marks not counted). */
export const SNIPPET_LENGTH = 220;
/** Context kept before the first mark of the chosen passage. */
const LEAD_IN = 40;
/** Marked tokens considered when choosing a passage (bounds the work on very long bodies). */
const MAX_MARKS_CONSIDERED = 400;
/**
 * Characters of a body read to choose and mark its passage, as Elasticsearch's highlighter bounds
 * its work with `max_analyzed_offset`: a page of 50 hits of 256 KB bodies analysed whole was
 * ~12 MB of text for one request. 20,000 characters is ~3,000 words, more than most dispatches;
 * past it the snippet is the lead, as for an article matched by its title alone.
 */
export const SNIPPET_SCAN_CHARS = 20_000;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** HTML-escapes text (the only markup in our output is our own `<mark>`). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

interface Marked {
  token: Token;
  term: string;
}

function markedTokens(
  text: string,
  matched: ReadonlySet<string>,
  analyzer: Analyzer,
  until = Number.POSITIVE_INFINITY,
): Marked[] {
  if (matched.size === 0) return [];
  const out: Marked[] = [];
  for (const token of tokenizeWithOffsets(text, until)) {
    const term = analyzer.term(token.text);
    if (term !== null && matched.has(term)) out.push({ token, term });
  }
  return out;
}

function render(text: string, start: number, end: number, marks: Marked[]): string {
  let out = '';
  let at = start;
  for (const { token } of marks) {
    if (token.start < start || token.end > end) continue;
    out += `${escapeHtml(text.slice(at, token.start))}<mark>${escapeHtml(token.text)}</mark>`;
    at = token.end;
  }
  return out + escapeHtml(text.slice(at, end));
}

/** Moves `end` back to the end of a word so a snippet never cuts one in half. */
function snapEnd(text: string, end: number, min = 0): number {
  if (end >= text.length) return text.length;
  const space = text.lastIndexOf(' ', end);
  return space > min ? space : end;
}

/** Moves `start` forward to the start of a word (or keeps a sentence start). */
function snapStart(text: string, start: number): number {
  if (start <= 0) return 0;
  const space = text.indexOf(' ', start);
  return space >= 0 ? space + 1 : start;
}

/** Whole text with matched terms marked (titles). */
export function highlightAll(text: string, matched: ReadonlySet<string>, analyzer: Analyzer): string {
  return render(text, 0, text.length, markedTokens(text, matched, analyzer));
}

/**
 * The best passage of `text`: the window of at most SNIPPET_LENGTH characters holding the most
 * distinct matched terms (then the most marks, then the earliest), escaped, with every token whose
 * analysed form is a matched index term wrapped in `<mark>`. Matched terms are index terms, so
 * stemmed, prefix and fuzzy matches are marked exactly like exact ones.
 */
export function bestSnippet(
  text: string,
  matched: ReadonlySet<string>,
  analyzer: Analyzer,
  length = SNIPPET_LENGTH,
): string {
  const marks = markedTokens(text, matched, analyzer, SNIPPET_SCAN_CHARS);
  if (marks.length === 0) {
    const end = snapEnd(text, length);
    return escapeHtml(text.slice(0, end)) + (end < text.length ? '…' : '');
  }
  const considered = marks.slice(0, MAX_MARKS_CONSIDERED);
  let best = { index: 0, distinct: 0, count: 0 };
  for (let i = 0; i < considered.length; i++) {
    const first = considered[i] as Marked;
    const limit = first.token.start + length - LEAD_IN;
    const distinct = new Set<string>();
    let count = 0;
    for (let j = i; j < considered.length; j++) {
      const m = considered[j] as Marked;
      if (m.token.end > limit) break;
      distinct.add(m.term);
      count++;
    }
    if (distinct.size > best.distinct || (distinct.size === best.distinct && count > best.count)) {
      best = { index: i, distinct: distinct.size, count };
    }
  }
  const anchor = (considered[best.index] as Marked).token;
  // Start at the sentence holding the anchor when it is close, else a little before the anchor.
  const dot = text.lastIndexOf('. ', anchor.start);
  const sentenceStart = Math.max(dot >= 0 ? dot + 2 : 0, text.lastIndexOf('\n', anchor.start) + 1);
  const start =
    anchor.start - sentenceStart <= LEAD_IN ? sentenceStart : snapStart(text, anchor.start - LEAD_IN / 2);
  const end = snapEnd(text, Math.max(start + length, anchor.end), anchor.end);
  return (start > 0 ? '…' : '') + render(text, start, end, marks) + (end < text.length ? '…' : '');
}
