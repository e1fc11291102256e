/** Why a query was rejected; the API maps this to a 400 with `details: {position, ...}`. */
export type QueryErrorCode =
  | 'query_too_long'
  | 'unterminated_phrase'
  | 'unbalanced_parenthesis'
  | 'dangling_operator'
  | 'empty_group'
  | 'empty_field'
  | 'misplaced_exclusion'
  | 'only_exclusions'
  | 'nesting_too_deep'
  | 'term_too_long'
  | 'prefix_too_short'
  | 'invalid_prefix'
  | 'fuzzy_too_large'
  | 'too_many_terms'
  | 'too_many_phrase_terms'
  | 'too_many_prefix_terms'
  | 'too_many_fuzzy_terms';

/** A query the parser or the guards refuse; `position` is a UTF-16 offset into `q`. */
export class QueryError extends Error {
  readonly code: QueryErrorCode;
  readonly position: number;

  constructor(code: QueryErrorCode, message: string, position: number) {
    super(message);
    this.name = 'QueryError';
    this.code = code;
    this.position = position;
  }
}
