import { SearchRequestError } from '../query/search-error';

/**
 * Paging cursors: opaque base64url JSON holding the index version they were issued for, a
 * fingerprint of the query and filters, and the sort key of the last hit returned (keyset paging).
 * The next page is "every hit strictly after that key" in the total order (key, then id), so on the
 * same index version every hit is returned exactly once. On another version the cursor still works
 * (graceful): date-sorted paging stays exact for unchanged articles; relevance paging may repeat or
 * skip hits whose score changed with the index statistics.
 */
export interface CursorState {
  /** Index version the cursor was issued for. */
  v: string;
  /** Fingerprint of q + mode + filters + sort. */
  f: string;
  /** Sort key of the last hit: score (relevance) or epoch ms (date sorts). */
  k: number;
  /** Id of the last hit (tie-breaker). */
  i: string;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/** Decodes a cursor and checks it belongs to this query; throws a 400-mapped error otherwise. */
export function decodeCursor(cursor: string, fingerprint: string): CursorState {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new SearchRequestError('invalid_cursor', 'cursor is not one this API issued');
  }
  const s = state as Partial<CursorState> | null;
  if (
    !s ||
    typeof s.v !== 'string' ||
    typeof s.f !== 'string' ||
    typeof s.k !== 'number' ||
    !Number.isFinite(s.k) ||
    typeof s.i !== 'string'
  ) {
    throw new SearchRequestError('invalid_cursor', 'cursor is not one this API issued');
  }
  if (s.f !== fingerprint) {
    throw new SearchRequestError(
      'cursor_mismatch',
      'cursor was issued for a different query, filters or sort; repeat the query without it',
    );
  }
  return s as CursorState;
}

/** A short stable fingerprint (FNV-1a, 32-bit) — integrity of intent, not security. */
export function fingerprint(parts: unknown): string {
  const text = JSON.stringify(parts);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
