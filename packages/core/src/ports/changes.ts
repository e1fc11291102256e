import type { Article } from '../article';

/**
 * A committed change to the article table, decoded from a DynamoDB stream record (on AWS) or
 * from the identical record the local runtime emits after each committed write.
 *
 * Versions grow strictly per article (a takedown is a version too), so a consumer can apply
 * changes idempotently and in any order across articles by keeping the highest version seen.
 */
export type ArticleChange =
  | { kind: 'upsert'; id: string; version: number; article: Article }
  | { kind: 'remove'; id: string; version: number };
