/**
 * The article model: what a dispatch becomes once parsed, and what the API returns.
 *
 * The parser produces an {@link ArticleDraft}; the store completes it into an {@link Article}
 * by assigning `version`, `ingestedAt`, `updatedAt` and `previousHash`.
 */
export interface Article {
  /** Derived from the dispatch identity (normalised title + publication instant); see `identity.ts`. */
  id: string;
  title: string;
  /** Body paragraphs in order, original characters kept; the lead appears once. */
  paragraphs: string[];
  /** A photo caption found glued to the front of a repeated lead, else null. */
  caption: string | null;
  /** Publication instant in UTC, ISO 8601 with `Z`, second precision. */
  publishedAt: string;
  /** The dateline's wall time with its UTC offset, e.g. `2024-11-27T22:30:00+02:00`. */
  localTime: string;
  /** IANA time zone the local time was read in, e.g. `Asia/Jerusalem`. */
  timeZone: string;
  /** The dateline's place as written (`Jerusalem`), or null when only a zone/offset was given. */
  place: string | null;
  /** BCP 47 language tag; `en` unless the dispatch says otherwise. */
  language: string;
  source: string | null;
  url: string | null;
  tags: string[];
  /** Starts at 1; incremented on every content change of the same identity. */
  version: number;
  /** SHA-256 (hex) of the article's content fields; equal hashes mean an unchanged re-upload. */
  contentHash: string;
  /** The content hash of the version this one replaced, or null for version 1. */
  previousHash: string | null;
  /** When this identity was first stored (UTC ISO). */
  ingestedAt: string;
  /** When the current version was stored (UTC ISO). */
  updatedAt: string;
  /**
   * The story the article belongs to: the id of the first stored article it is a near-duplicate of
   * (re-sent, corrected, re-led or re-sourced copy), or its own id. Assigned at ingest, kept across
   * versions; absent on articles stored before story detection existed. Not a content field.
   */
  storyId?: string;
}

/** An article as the parser produces it, before the store versions it. */
export type ArticleDraft = Omit<Article, 'version' | 'previousHash' | 'ingestedAt' | 'updatedAt'>;

/** The fields whose change makes a new version (everything a reader sees). */
export const CONTENT_FIELDS = [
  'title',
  'paragraphs',
  'caption',
  'publishedAt',
  'localTime',
  'timeZone',
  'place',
  'language',
  'source',
  'url',
  'tags',
] as const satisfies readonly (keyof ArticleDraft)[];
