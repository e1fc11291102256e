import type { ArticleChange } from '@archive/core';

/**
 * Change records as the indexer takes them (a stream batch on AWS, the store's in-process feed
 * locally): what one record is, how it is checked, and how it is applied through an index's
 * version map, so that redelivered and reordered records are harmless.
 */

/** One record of a change batch: decoded, or the error that made it undecodable. */
export interface ChangeItem {
  /** What the caller reports back on failure (the stream record's sequence number on AWS). */
  recordId: string;
  change: ArticleChange | Error;
  /** When the change was committed, if known (stream `ApproximateCreationDateTime`). */
  changedAt?: string;
}

/** What applying a change needs of an index. */
export interface ChangeTarget {
  applyUpsert(article: Extract<ArticleChange, { kind: 'upsert' }>['article']): boolean;
  applyRemove(id: string, version: number): boolean;
  versionOf(id: string): number | undefined;
  has(id: string): boolean;
}

/** Applies one change through the index's version map; true when it changed the index. */
export function applyChange(index: ChangeTarget, change: ArticleChange): boolean {
  if (change.kind === 'upsert') return index.applyUpsert(change.article);
  // applyRemove also accepts a repeat of the same tombstone; only a real change counts here.
  const before = index.versionOf(change.id);
  const wasLive = index.has(change.id);
  if (!index.applyRemove(change.id, change.version)) return false;
  return wasLive || before === undefined || before < change.version;
}

/** Structural checks a decoder may not make; a failing change is reported as a poison record. */
export function validateChange(change: ArticleChange): Error | null {
  if (typeof change.id !== 'string' || change.id.length === 0) return new Error('change without an id');
  if (!Number.isInteger(change.version) || change.version < 1)
    return new Error(`bad version for ${change.id}`);
  if (change.kind === 'upsert') {
    const { article } = change;
    if (!article || article.id !== change.id || article.version !== change.version) {
      return new Error(`upsert of ${change.id} carries a mismatched article`);
    }
    if (typeof article.title !== 'string' || !Array.isArray(article.paragraphs)) {
      return new Error(`upsert of ${change.id} carries an incomplete article`);
    }
  } else if ((change as { kind: string }).kind !== 'remove') {
    return new Error(`unknown change kind for ${change.id}`);
  }
  return null;
}
