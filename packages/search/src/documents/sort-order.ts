import type { CursorState } from './cursor';
import type { SortOrder } from './search-types';

/**
 * The total orders of hits, written once for the single index (search.ts) and the merge of
 * partitions (partitions/merge.ts), so that a page cut by either is the same page: by sort key
 * (the score for relevance, else the publication time), ties by id. `newest` is exactly the
 * reverse of `oldest`. Split in two so that ids, which may cost a lookup, are read only on ties.
 */

/** Code-unit order of ids (not locale order: it must be the same everywhere). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order of two sort keys: relevance and newest descending, oldest ascending. */
export function keyOrder(sort: SortOrder, a: number, b: number): number {
  return sort === 'oldest' ? a - b : b - a;
}

/** Order of two ids on a tie of keys. */
export function idOrder(sort: SortOrder, a: string, b: string): number {
  return sort === 'newest' ? compareIds(b, a) : compareIds(a, b);
}

/** Whether the hit with sort key `key` and id `id` comes strictly after the cursor position. */
export function isAfterCursor(
  sort: SortOrder,
  after: Pick<CursorState, 'k' | 'i'> | null,
  key: number,
  id: string | (() => string),
): boolean {
  if (!after) return true;
  const order = keyOrder(sort, after.k, key);
  if (order !== 0) return order < 0;
  return idOrder(sort, after.i, typeof id === 'string' ? id : id()) < 0;
}
