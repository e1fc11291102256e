import { DateTime } from 'luxon';
import type { Article, ArticleDraft } from './article';

/**
 * Renders an article in the raw wire format (dateline, title, paragraphs), with the caption glued
 * in front of a repeated lead as dispatches arrive. Parsing the result gives the same article
 * (up to seconds, which the dateline does not carry). Used by tests and the example generator.
 */
export function renderDispatch(article: Article | ArticleDraft): string {
  const local = DateTime.fromISO(article.localTime, { setZone: true });
  const place = article.place ?? article.timeZone;
  const dateline = `${local.toFormat('dd-LL-yyyy hh:mm a')} ${place} Timing`;
  const [lead, ...rest] = article.paragraphs;
  const paragraphs =
    article.caption && lead ? [lead, `${article.caption}${lead}`, ...rest] : article.paragraphs;
  return [dateline, article.title, article.title, ...paragraphs].join('\n\n');
}
