import type { QueryMode, QueryNode, QueryNote } from './ast';
import { QueryError } from './errors';
import { MAX_QUERY_LENGTH } from './limits';
import { isPlainText, parseQuery, parseText } from './parser';

/**
 * How a search box is read (docs/SEARCH.md): the grammar is parser.ts's; this module decides, by
 * mode, whether `q` is read with operators or as plain words, forgives a reader's slips with a
 * note instead of a 400, and cuts over-long text.
 */

/** Parse errors a reader makes by accident; in the default mode they make the query read as text. */
const SLIPS: ReadonlySet<string> = new Set([
  'unterminated_phrase',
  'unbalanced_parenthesis',
  'dangling_operator',
  'empty_group',
  'empty_field',
  'misplaced_exclusion',
]);

/** A query as read: its tree (null: nothing to search), whether it is plain words, and notes. */
export interface ReadQuery {
  node: QueryNode | null;
  /** Plain words (the default mode relaxes them; query/relax.ts). */
  plain: boolean;
  notes: QueryNote[];
  /** Exclusions kept when a query with operators is answered as plain words. */
  negated?: QueryNode[];
}

/**
 * A query with operators as plain words and its exclusions (kept strict): null when it does not
 * parse, or excludes a group (which has no words of its own to keep out of the text).
 */
export function splitExclusions(q: string): { text: string; negated: QueryNode[] } | null {
  let root: QueryNode | null;
  try {
    root = parseQuery(q, 'all');
  } catch {
    return null;
  }
  if (root?.kind !== 'and') return root ? { text: q, negated: [] } : null;
  const spans: { start: number; end: number }[] = [];
  for (const node of root.negated) {
    if (node.kind !== 'term' && node.kind !== 'phrase') return null;
    // The exclusion's '-' (and a field scope) come before the node's own offsets.
    const minus = q.lastIndexOf('-', node.start);
    spans.push({ start: minus >= 0 ? minus : node.start, end: node.end });
  }
  let text = q;
  for (const { start, end } of spans.sort((a, b) => b.start - a.start)) {
    text = `${text.slice(0, start)} ${text.slice(end)}`;
  }
  return { text, negated: root.negated };
}

/** Cuts plain text at the last space before MAX_QUERY_LENGTH. */
function cutText(q: string): string {
  if (q.length <= MAX_QUERY_LENGTH) return q;
  const cut = q.lastIndexOf(' ', MAX_QUERY_LENGTH);
  return q.slice(0, cut > MAX_QUERY_LENGTH / 2 ? cut : MAX_QUERY_LENGTH);
}

/**
 * Reads `q` the way its mode says (docs/SEARCH.md). In the default `auto` mode a search box is
 * forgiving: plain words are free text, and a query whose operators do not parse (an unclosed
 * quote or parenthesis, a dangling OR) is read as text with a note, unless `strict`, which keeps
 * the 400 and its position. Plain text longer than MAX_QUERY_LENGTH is cut with a note.
 * @throws QueryError with the offending position.
 */
export function readQuery(q: string, mode: QueryMode = 'auto', strict = false, asText = false): ReadQuery {
  const notes: QueryNote[] = [];
  if (asText) {
    const split = splitExclusions(q);
    if (split) {
      notes.push({
        code: 'read_as_text',
        message: 'no article matches the query as written, so its words were searched as plain words',
        position: 0,
      });
      return { node: parseText(cutText(split.text), false), plain: true, notes, negated: split.negated };
    }
  }
  if (mode === 'all') return { node: parseQuery(q, 'all'), plain: false, notes };
  const plain = mode === 'natural' || isPlainText(q);
  let parsed: QueryNode | null = null;
  if (mode === 'auto') {
    try {
      parsed = parseQuery(q, 'all');
    } catch (error) {
      const forgiven =
        error instanceof QueryError && (SLIPS.has(error.code) || (error.code === 'query_too_long' && plain));
      if (strict || !forgiven) throw error;
      if (!plain) return readQueryAsText(q, error);
      if (error.code !== 'query_too_long') notes.push(readAsTextNote(error));
    }
    if (!plain) return { node: parsed, plain: false, notes };
  }
  let text = q;
  if (text.length > MAX_QUERY_LENGTH) {
    if (strict) return { node: parseQuery(q, 'all'), plain: false, notes };
    text = cutText(q);
    notes.push({
      code: 'query_truncated',
      message: `only the first ${text.length} characters were read (at most ${MAX_QUERY_LENGTH})`,
      position: text.length,
    });
  }
  return { node: parseText(text, strict), plain: mode === 'auto', notes };
}

function readAsTextNote(error: QueryError): QueryNote {
  return {
    code: 'read_as_text',
    message: `${error.message}, so the query was read as plain words (strict=true refuses it instead)`,
    position: error.position,
  };
}

/** `q` read as plain words because of `error` (a slip, or more words than operators may carry). */
export function readQueryAsText(q: string, error: QueryError): ReadQuery {
  return { node: parseText(cutText(q), false), plain: true, notes: [readAsTextNote(error)] };
}
