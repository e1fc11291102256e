import type { SearchField } from '../minisearch/index-definition';

/**
 * The parsed form of `q`. Offsets (`start`/`end`, UTF-16, end exclusive) point into the original
 * query string so errors and didYouMean rewrites can refer to what the user typed.
 */
export type QueryNode = TermNode | PhraseNode | AndNode | OrNode;

export interface TermNode {
  kind: 'term';
  /** The word as typed (without `*`, `~N` or a field prefix). */
  text: string;
  field: SearchField | null;
  prefix: boolean;
  /** Edit distance for `word~` / `word~N`, or 0. */
  fuzzy: number;
  start: number;
  end: number;
}

export interface PhraseNode {
  kind: 'phrase';
  /** The text between the quotes. */
  text: string;
  field: SearchField | null;
  start: number;
  end: number;
}

/** All positive children must match; no negative child may match. */
export interface AndNode {
  kind: 'and';
  children: QueryNode[];
  negated: QueryNode[];
}

/** Any child may match; scores add up. */
export interface OrNode {
  kind: 'or';
  children: QueryNode[];
}

/**
 * `auto` (the default): plain words rank the articles holding all of them first and are relaxed
 * when too few do (query/relax.ts); a query with operators is read as in `all`. `all`: every word
 * must match. `natural`: free text, any word may match (BM25 OR, then RM3 feedback).
 */
export type QueryMode = 'auto' | 'all' | 'natural';

/** Something the engine did with the query that the reader should know (an answer's `notes`). */
export interface QueryNote {
  code: 'read_as_text' | 'query_truncated';
  message: string;
  /** UTF-16 offset in `q` of what caused it. */
  position: number;
}
