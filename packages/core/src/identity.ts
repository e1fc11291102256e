import { createHash } from 'node:crypto';
import { type ArticleDraft, CONTENT_FIELDS } from './article';
import { comparable } from './text';

/**
 * The article id: a hash of the dispatch's identity, its normalised title and its publication
 * instant. Re-uploading the same dispatch (even with other quotes, spacing or case in the title)
 * yields the same id; a correction of the body keeps the id and becomes a new version.
 *
 * @example articleId('Syria Opposition Discuss US-Russia Peace Initiative', '2024-11-27T20:30:00Z')
 */
export function articleId(title: string, publishedAt: string): string {
  const identity = `${comparable(title).normalize('NFKC').toLowerCase()}\n${publishedAt}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, 24);
}

/** SHA-256 over the content fields in a fixed order: equal hashes mean nothing a reader sees changed. */
export function contentHash(draft: Omit<ArticleDraft, 'id' | 'contentHash'>): string {
  const canonical = CONTENT_FIELDS.map((field) => draft[field]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
