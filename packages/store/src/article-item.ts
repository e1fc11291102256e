import type { Article } from '@archive/core';
import * as z from 'zod';
import { ARTICLE_TABLE_SCHEMA } from './tables';

/**
 * The article table's item format: the {@link Article} fields as top-level attributes, plus
 *
 * - `publishedMonth` / `publishedSort`: the date-index keys, present only on live articles;
 * - `deletedAt`: present only on tombstones (a takedown keeps the item, bumps `version`, and
 *   drops the date-index keys so the tombstone leaves the sparse index).
 *
 * This module and the stream-record decoder are the only places that know this format.
 */
export interface ArticleItem extends Article {
  publishedMonth?: string;
  publishedSort?: string;
  deletedAt?: string;
}

/** An item read back: the article and, for a tombstone, when it was taken down. */
export interface StoredArticle {
  article: Article;
  deletedAt: string | null;
}

const nullableString = z.string().nullable();

/** Validates items read from the table or a stream image (a poison record fails here). */
export const articleSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  paragraphs: z.array(z.string()),
  caption: nullableString,
  publishedAt: z.string().min(1),
  localTime: z.string(),
  timeZone: z.string(),
  place: nullableString,
  language: z.string(),
  source: nullableString,
  url: nullableString,
  tags: z.array(z.string()),
  version: z.number().int().positive(),
  contentHash: z.string().min(1),
  previousHash: nullableString,
  ingestedAt: z.string(),
  updatedAt: z.string(),
  storyId: z.string().optional(),
});

const itemSchema = articleSchema.extend({ deletedAt: z.string().optional() });

/** `YYYY-MM` of a UTC ISO instant (the date-index partition). */
export function monthOf(publishedAt: string): string {
  return publishedAt.slice(0, 7);
}

export function sortKeyOf(article: Pick<Article, 'publishedAt' | 'id'>): string {
  return `${article.publishedAt}#${article.id}`;
}

/** Encodes a live article as an item (with date-index keys). */
export function liveItem(article: Article): ArticleItem {
  return {
    ...pickArticle(article),
    [ARTICLE_TABLE_SCHEMA.dateIndex.partitionKey]: monthOf(article.publishedAt),
    [ARTICLE_TABLE_SCHEMA.dateIndex.sortKey]: sortKeyOf(article),
  };
}

/** Encodes a tombstone: the last article content, a bumped version, no date-index keys. */
export function tombstoneItem(article: Article, deletedAt: string): ArticleItem {
  return { ...pickArticle(article), deletedAt };
}

/**
 * A stored item that is not an article item (written by an older bug, or edited by hand). It is
 * quarantined: reads skip it and report it, a re-upload or a takedown replaces it, and
 * `archive quarantine` lists and repairs it; it never stops the archive from starting.
 */
export class UnreadableItemError extends Error {
  override readonly name = 'UnreadableItemError';
  constructor(
    readonly id: string,
    readonly reason: string,
    readonly item: unknown,
  ) {
    super(`stored item ${id} is unreadable: ${reason}`);
  }
}

/**
 * Decodes an item; throws {@link UnreadableItemError} when it is not an article item.
 * Unknown extra attributes are ignored so the format can grow.
 */
export function decodeItem(item: unknown): StoredArticle {
  const parsed = itemSchema.safeParse(item);
  if (!parsed.success) {
    const id = (item as { id?: unknown } | null)?.id;
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`)
      .join('; ');
    throw new UnreadableItemError(typeof id === 'string' ? id : String(id), reason, item);
  }
  const { deletedAt, ...article } = parsed.data;
  return { article, deletedAt: deletedAt ?? null };
}

const FIELD_FALLBACKS: { [K in keyof Article]: Article[K] } = {
  id: '',
  title: '',
  paragraphs: [],
  caption: null,
  publishedAt: '1970-01-01T00:00:00Z',
  localTime: '1970-01-01T00:00:00Z',
  timeZone: 'UTC',
  place: null,
  language: 'und',
  source: null,
  url: null,
  tags: [],
  version: 1,
  contentHash: 'unreadable',
  previousHash: null,
  ingestedAt: '1970-01-01T00:00:00Z',
  updatedAt: '1970-01-01T00:00:00Z',
};

/**
 * The readable part of an unreadable item: each field that passes its schema is kept, every other
 * one takes a neutral value. Used to write the tombstone that replaces a quarantined item, so the
 * tombstone itself decodes (the raw item is kept aside by the caller).
 */
export function salvageArticle(item: unknown, id: string): Article {
  const raw = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const shape = articleSchema.shape;
  const salvaged: Record<string, unknown> = { ...FIELD_FALLBACKS, id };
  for (const field of Object.keys(shape) as (keyof typeof shape)[]) {
    if (field === 'id' || !Object.hasOwn(raw, field)) continue;
    const checked = shape[field].safeParse(raw[field]);
    if (checked.success) salvaged[field] = checked.data;
  }
  return salvaged as unknown as Article;
}

function pickArticle(article: Article): Article {
  return {
    id: article.id,
    title: article.title,
    paragraphs: article.paragraphs,
    caption: article.caption,
    publishedAt: article.publishedAt,
    localTime: article.localTime,
    timeZone: article.timeZone,
    place: article.place,
    language: article.language,
    source: article.source,
    url: article.url,
    tags: article.tags,
    version: article.version,
    contentHash: article.contentHash,
    previousHash: article.previousHash,
    ingestedAt: article.ingestedAt,
    updatedAt: article.updatedAt,
    ...(article.storyId ? { storyId: article.storyId } : {}),
  };
}
