import type { SearchField } from '../minisearch/index-definition';
import type { AndNode, QueryMode, QueryNode, TermNode } from './ast';
import { QueryError } from './errors';
import {
  MAX_FUZZY_DISTANCE,
  MAX_NESTING,
  MAX_QUERY_LENGTH,
  MAX_TERM_LENGTH,
  MIN_PREFIX_LENGTH,
} from './limits';

/**
 * Parser of the `q` language (docs/SEARCH.md). Hand-written recursive descent: the grammar is tiny,
 * and we need exact error positions and the offsets of every word, which generic query-string
 * libraries do not give.
 *
 *   query    := clause*                      (juxtaposition = AND)
 *   clause   := '-' primary | alt ('OR' alt)*
 *   alt      := primary
 *   primary  := [field ':'] (word | '"' phrase '"' | '(' query ')')
 *   word     := text ['*' | '~' [digit]]
 */

type Lexeme =
  | { type: 'word' | 'phrase'; text: string; start: number; end: number }
  | { type: 'field'; field: SearchField; start: number; end: number }
  | { type: 'lparen' | 'rparen' | 'minus' | 'or' | 'and'; start: number; end: number };

const FIELD_PREFIX = /^(title|body):/i;
const WORD_STOP = /[\s"()]/;

function lex(q: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const close = q.indexOf('"', i + 1);
      if (close < 0) throw new QueryError('unterminated_phrase', 'a quoted phrase is not closed', i);
      out.push({ type: 'phrase', text: q.slice(i + 1, close), start: i, end: close + 1 });
      i = close + 1;
    } else if (c === '(' || c === ')') {
      out.push({ type: c === '(' ? 'lparen' : 'rparen', start: i, end: i + 1 });
      i++;
    } else if (c === '-' && (i === 0 || /[\s(]/.test(q[i - 1] as string)) && /[^\s)]/.test(q[i + 1] ?? ' ')) {
      out.push({ type: 'minus', start: i, end: i + 1 });
      i++;
    } else {
      let end = i;
      while (end < q.length && !WORD_STOP.test(q[end] as string)) end++;
      const text = q.slice(i, end);
      const field = FIELD_PREFIX.exec(text);
      if (field) {
        const name = (field[1] as string).toLowerCase() as SearchField;
        const fieldEnd = i + field[0].length;
        out.push({ type: 'field', field: name, start: i, end: fieldEnd });
        if (fieldEnd === end && (end >= q.length || /\s|\)/.test(q[end] as string))) {
          throw new QueryError('empty_field', `${name}: must be followed by a word, phrase or group`, i);
        }
        if (fieldEnd < end) out.push({ type: 'word', text: q.slice(fieldEnd, end), start: fieldEnd, end });
      } else if (text === 'OR' || text === 'AND') {
        out.push({ type: text === 'OR' ? 'or' : 'and', start: i, end });
      } else {
        out.push({ type: 'word', text, start: i, end });
      }
      i = end;
    }
  }
  return out;
}

/** Elasticsearch's AUTO fuzziness, but never below MIN_FUZZY_TERM_LENGTH (applied at planning). */
function autoFuzzy(word: string): number {
  return word.length <= 5 ? 1 : 2;
}

function termNode(text: string, start: number, end: number, field: SearchField | null): TermNode {
  let word = text;
  let prefix = false;
  let fuzzy = 0;
  const tilde = /~(\d*)$/.exec(word);
  if (tilde) {
    word = word.slice(0, tilde.index);
    const digits = tilde[1] as string;
    fuzzy = digits === '' ? autoFuzzy(word) : Number(digits);
    if (fuzzy > MAX_FUZZY_DISTANCE) {
      throw new QueryError(
        'fuzzy_too_large',
        `fuzzy distance ${digits} is larger than ${MAX_FUZZY_DISTANCE}`,
        start + tilde.index,
      );
    }
  } else if (word.endsWith('*')) {
    word = word.replace(/\*+$/, '');
    prefix = true;
    if ([...word].length < MIN_PREFIX_LENGTH) {
      throw new QueryError(
        'prefix_too_short',
        `a prefix needs at least ${MIN_PREFIX_LENGTH} characters before *`,
        start,
      );
    }
  }
  if (word.length > MAX_TERM_LENGTH) {
    throw new QueryError('term_too_long', `words are limited to ${MAX_TERM_LENGTH} characters`, start);
  }
  return { kind: 'term', text: word, field, prefix, fuzzy, start, end };
}

class Parser {
  private pos = 0;

  constructor(
    private readonly lexemes: Lexeme[],
    private readonly q: string,
  ) {}

  private peek(): Lexeme | undefined {
    return this.lexemes[this.pos];
  }

  parseQuery(depth: number): AndNode {
    const node: AndNode = { kind: 'and', children: [], negated: [] };
    for (let next = this.peek(); next && next.type !== 'rparen'; next = this.peek()) {
      if (next.type === 'and') {
        this.pos++;
        const after = this.peek();
        if (
          !after ||
          after.type === 'rparen' ||
          after.type === 'or' ||
          node.children.length + node.negated.length === 0
        ) {
          throw new QueryError('dangling_operator', 'AND needs a term on both sides', next.start);
        }
        continue;
      }
      if (next.type === 'minus') {
        this.pos++;
        node.negated.push(this.parsePrimary(depth, null));
        continue;
      }
      node.children.push(this.parseAlternatives(depth));
    }
    return node;
  }

  private parseAlternatives(depth: number): QueryNode {
    const first = this.parsePrimary(depth, null);
    const alternatives = [first];
    for (let next = this.peek(); next?.type === 'or'; next = this.peek()) {
      this.pos++;
      const after = this.peek();
      if (!after || after.type === 'rparen' || after.type === 'or' || after.type === 'and') {
        throw new QueryError('dangling_operator', 'OR needs a term on both sides', next.start);
      }
      if (after.type === 'minus') {
        throw new QueryError('misplaced_exclusion', 'an exclusion cannot be an OR alternative', after.start);
      }
      alternatives.push(this.parsePrimary(depth, null));
    }
    return alternatives.length === 1 ? first : { kind: 'or', children: alternatives };
  }

  private parsePrimary(depth: number, field: SearchField | null): QueryNode {
    const lexeme = this.peek();
    if (!lexeme)
      throw new QueryError('dangling_operator', 'the query ends where a term was expected', this.q.length);
    this.pos++;
    switch (lexeme.type) {
      case 'word':
        return termNode(lexeme.text, lexeme.start, lexeme.end, field);
      case 'phrase':
        return { kind: 'phrase', text: lexeme.text, field, start: lexeme.start, end: lexeme.end };
      case 'field':
        if (field) throw new QueryError('empty_field', 'a field scope cannot contain another', lexeme.start);
        return this.parsePrimary(depth, lexeme.field);
      case 'lparen': {
        if (depth >= MAX_NESTING) {
          throw new QueryError(
            'nesting_too_deep',
            `at most ${MAX_NESTING} levels of parentheses`,
            lexeme.start,
          );
        }
        const inner = this.parseQuery(depth + 1);
        const close = this.peek();
        if (close?.type !== 'rparen') {
          throw new QueryError('unbalanced_parenthesis', 'this parenthesis is not closed', lexeme.start);
        }
        this.pos++;
        if (inner.children.length === 0) {
          throw new QueryError('empty_group', 'a group needs at least one positive term', lexeme.start);
        }
        return withField(inner, field);
      }
      case 'rparen':
        throw new QueryError('unbalanced_parenthesis', 'this parenthesis was never opened', lexeme.start);
      case 'minus':
        throw new QueryError(
          'misplaced_exclusion',
          'an exclusion cannot be excluded or scoped',
          lexeme.start,
        );
      default:
        throw new QueryError(
          'dangling_operator',
          `${lexeme.type.toUpperCase()} needs a term before it`,
          lexeme.start,
        );
    }
  }

  parseAll(): AndNode {
    const root = this.parseQuery(0);
    const extra = this.peek();
    if (extra)
      throw new QueryError('unbalanced_parenthesis', 'this parenthesis was never opened', extra.start);
    return root;
  }
}

function withField(node: QueryNode, field: SearchField | null): QueryNode {
  if (!field) return node;
  switch (node.kind) {
    case 'term':
    case 'phrase':
      return { ...node, field };
    case 'or':
      return { kind: 'or', children: node.children.map((c) => withField(c, field)) };
    case 'and':
      return {
        kind: 'and',
        children: node.children.map((c) => withField(c, field)),
        negated: node.negated.map((c) => withField(c, field)),
      };
  }
}

/**
 * Free text: every whitespace-separated chunk is a word (OR); no operators. Words longer than
 * MAX_TERM_LENGTH are refused when `strictLength`, else left out (junk in pasted text).
 */
export function parseText(q: string, strictLength: boolean): QueryNode | null {
  const children: QueryNode[] = [];
  for (const m of q.matchAll(/\S+/g)) {
    if (m[0].length > MAX_TERM_LENGTH) {
      if (!strictLength) continue;
      throw new QueryError('term_too_long', `words are limited to ${MAX_TERM_LENGTH} characters`, m.index);
    }
    children.push({
      kind: 'term',
      text: m[0],
      field: null,
      prefix: false,
      fuzzy: 0,
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  // Only junk (over-long words) is still a query: it finds nothing rather than listing everything.
  if (children.length === 0) return q.trim() === '' ? null : { kind: 'or', children };
  return { kind: 'or', children };
}

/**
 * Whether `q` is plain words: no quotes, field scopes, exclusions, `OR`, `*` or `~`. Parentheses
 * and `AND` group and join words the way juxtaposition already does, so they leave words plain
 * ("TSS (Time Sharing System)"); in text without lower-case letters (a request typed in capitals)
 * `OR` is a word, not an operator.
 */
export function isPlainText(q: string): boolean {
  if (q.includes('"')) return false;
  const shouting = !/\p{Ll}/u.test(q);
  let lexemes: Lexeme[];
  try {
    lexemes = lex(q);
  } catch {
    return false;
  }
  for (const lexeme of lexemes) {
    if (lexeme.type === 'field' || lexeme.type === 'minus') return false;
    if (lexeme.type === 'or' && !shouting) return false;
    if (lexeme.type === 'word' && /(\*|~\d*)$/.test(lexeme.text)) return false;
  }
  return true;
}

/**
 * Parses `q` with operators (`all`) or as free text (`natural`) into a query tree, or null when it
 * holds no clause at all (list by date).
 * @throws QueryError with the offending position.
 */
export function parseQuery(q: string, mode: QueryMode = 'all'): QueryNode | null {
  if (q.length > MAX_QUERY_LENGTH) {
    throw new QueryError(
      'query_too_long',
      `q is limited to ${MAX_QUERY_LENGTH} characters`,
      MAX_QUERY_LENGTH,
    );
  }
  if (mode === 'natural') return parseText(q, true);
  const root = new Parser(lex(q), q).parseAll();
  if (root.children.length === 0 && root.negated.length === 0) return null;
  if (root.children.length === 0) {
    throw new QueryError('only_exclusions', 'a query needs at least one term that is not excluded', 0);
  }
  return root;
}
