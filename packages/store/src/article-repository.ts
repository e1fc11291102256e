// Over 400 lines: the one repository of the article table (conditional writes, takedowns, reads,
// scans, quarantine); its write paths share the optimistic-locking helpers and read best together.
import type { Article, ArticleChange, ArticleDraft } from '@archive/core';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ArticleItem,
  decodeItem,
  liveItem,
  monthOf,
  type StoredArticle,
  salvageArticle,
  sortKeyOf,
  tombstoneItem,
  UnreadableItemError,
} from './article-item';
import { ChangeLog } from './change-log';
import { buildChangeRecord, type ChangeSink } from './change-records';
import { ARTICLE_TABLE_SCHEMA } from './tables';

export type PutOutcome =
  | { status: 'created' | 'updated' | 'unchanged'; article: Article; restored: boolean }
  /** The identity was taken down and the upload did not ask to restore it: nothing was written. */
  | { status: 'taken_down'; id: string; version: number; deletedAt: string };

export type TakeDownOutcome =
  | { status: 'taken_down'; id: string; version: number; deletedAt: string }
  | { status: 'not_found'; id: string };

export interface PutOptions {
  /** Bring back a taken-down article (API: `?restore=true`). Without it a tombstone wins. */
  restore?: boolean;
}

export interface ListByDateQuery {
  /** Inclusive lower bound, UTC ISO instant. */
  from: string;
  /** Inclusive upper bound, UTC ISO instant. */
  to: string;
  order?: 'newest' | 'oldest';
  /** 1..100, default 20. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ArticlePage {
  articles: Article[];
  nextCursor: string | null;
}

/** The article store as the API, the runtime and the indexer see it. */
export interface ArticleRepository {
  put(draft: ArticleDraft, options?: PutOptions): Promise<PutOutcome>;
  /**
   * Puts many drafts: one batched read of the current items, then the conditional writes with
   * bounded concurrency. Each entry settles like `put` (rejected with {@link ConcurrentWriteError}
   * after too many races; other rejections are store failures).
   */
  putMany(drafts: readonly ArticleDraft[], options?: PutOptions): Promise<PromiseSettledResult<PutOutcome>[]>;
  /** The live article, or null when unknown or taken down. */
  get(id: string): Promise<Article | null>;
  takeDown(id: string): Promise<TakeDownOutcome>;
  /** Number of live articles (exact; a scan of the sparse date index). */
  count(): Promise<number>;
  /** Every live article, in no particular order (for a full reindex). */
  scan(): AsyncIterable<Article>;
  /** Every item as a change: live articles as upserts, tombstones as removes (with their versions). */
  scanChanges(): AsyncIterable<ArticleChange>;
  listByDate(query: ListByDateQuery): Promise<ArticlePage>;
  /** Id, version and liveness of every item, tombstones included (a cheap projected scan). */
  scanStates(): AsyncIterable<ArticleState>;
  /** The live articles among `ids` (unknown and taken-down ones omitted), in no particular order. */
  getMany(ids: readonly string[]): Promise<Article[]>;
  /** The live articles among `ids` and the tombstones among them (unknown and unreadable ones omitted). */
  readCurrent(ids: readonly string[]): Promise<{ live: Article[]; removed: ArticleState[] }>;
  /** The log of every write, when this store keeps one (locally: change-log.ts); null otherwise. */
  readonly changeLog: ChangeLog | null;
  /** Unreadable items met by this process's reads (id and reason), for `/health`. */
  quarantined(): QuarantinedItem[];
}

/** A stored item that does not decode: skipped by every read, replaced by a re-upload or takedown. */
export interface QuarantinedItem {
  id: string;
  reason: string;
}

/** What the store holds for one id, without the content (for reconciling an index). */
export interface ArticleState {
  id: string;
  version: number;
  removed: boolean;
}

/** Too many concurrent writers raced on one article; the caller may retry. */
export class ConcurrentWriteError extends Error {
  override readonly name = 'ConcurrentWriteError';
  constructor(readonly id: string) {
    super(`article ${id} is being written concurrently; retry`);
  }
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface DynamoArticleRepositoryOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Local only: receives a stream-shaped record for every committed write. */
  changeSink?: ChangeSink;
  /**
   * Local only: the change-log table (change-log.ts), written before every article write so that
   * the local indexer reconciles from a mark instead of a scan. On AWS the streams play that part.
   */
  changeLogTableName?: string;
  /** A failing sink never fails the (already committed) write; it is reported here. */
  onChangeSinkError?: (error: unknown) => void;
  /** Reports each unreadable item the first time a read meets it (default: a line on stderr). */
  onUnreadable?: (error: UnreadableItemError) => void;
  now?: () => Date;
}

/** How many quarantined ids a process remembers for `/health` (the CLI lists them all). */
const MAX_REMEMBERED_QUARANTINE = 1000;

const MAX_WRITE_ATTEMPTS = 10;
/** Upper bound of the first back-off after a lost race; doubles per attempt (full jitter). */
const RACE_BACKOFF_MS = 5;

/** Waits a random time up to RACE_BACKOFF_MS·2^attempt so racing writers spread out. */
function backOff(attempt: number): Promise<void> {
  if (attempt === 0) return Promise.resolve();
  const ceiling = RACE_BACKOFF_MS * 2 ** Math.min(attempt, 6);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
/** DynamoDB's BatchGetItem limit. */
const BATCH_GET_SIZE = 100;
/** Conditional writes in flight per `putMany`. */
const WRITE_CONCURRENCY = 8;
const MAX_LIST_MONTHS = 12 * 200;

/**
 * {@link ArticleRepository} on DynamoDB (or dynalite). Writes are conditional on the version
 * read (optimistic locking), so concurrent uploads of the same dispatch store exactly one item:
 * the losers re-read, find the same content hash and report `unchanged`.
 */
export class DynamoArticleRepository implements ArticleRepository {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly changeSink: ChangeSink | undefined;
  private readonly onChangeSinkError: (error: unknown) => void;
  private readonly now: () => Date;
  private readonly onUnreadable: (error: UnreadableItemError) => void;
  private readonly quarantine = new Map<string, string>();
  readonly changeLog: ChangeLog | null;

  constructor(options: DynamoArticleRepositoryOptions) {
    this.doc = options.doc;
    this.tableName = options.tableName;
    this.changeSink = options.changeSink;
    this.onChangeSinkError =
      options.onChangeSinkError ?? ((error) => console.error('change sink failed', error));
    this.now = options.now ?? (() => new Date());
    this.onUnreadable =
      options.onUnreadable ??
      ((error) => console.error(`quarantined: ${error.message} (list and repair: archive quarantine)`));
    this.changeLog = options.changeLogTableName
      ? new ChangeLog(options.doc, options.changeLogTableName, this.now)
      : null;
  }

  quarantined(): QuarantinedItem[] {
    return [...this.quarantine].map(([id, reason]) => ({ id, reason }));
  }

  /** Decodes an item, or quarantines it (reported once) and answers null. */
  private readable(item: ArticleItem): StoredArticle | null {
    try {
      const stored = decodeItem(item);
      this.quarantine.delete(stored.article.id);
      return stored;
    } catch (error) {
      if (!(error instanceof UnreadableItemError)) throw error;
      if (!this.quarantine.has(error.id)) {
        if (this.quarantine.size < MAX_REMEMBERED_QUARANTINE) this.quarantine.set(error.id, error.reason);
        this.onUnreadable(error);
      }
      return null;
    }
  }

  /** Every unreadable item of the table (a full scan; for `archive quarantine`). */
  async *scanUnreadable(): AsyncIterable<UnreadableItemError> {
    for await (const page of paginateScan({ client: this.doc }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) {
        try {
          decodeItem(item);
        } catch (error) {
          if (error instanceof UnreadableItemError) yield error;
          else throw error;
        }
      }
    }
  }

  put(draft: ArticleDraft, options: PutOptions = {}): Promise<PutOutcome> {
    return this.putKnowing(draft, options, undefined);
  }

  async putMany(
    drafts: readonly ArticleDraft[],
    options: PutOptions = {},
  ): Promise<PromiseSettledResult<PutOutcome>[]> {
    const current = await this.readItems(drafts.map((draft) => draft.id));
    const results: PromiseSettledResult<PutOutcome>[] = new Array(drafts.length);
    let next = 0;
    const worker = async () => {
      while (next < drafts.length) {
        const index = next++;
        const draft = drafts[index] as ArticleDraft;
        try {
          const value = await this.putKnowing(draft, options, current.get(draft.id) ?? null);
          results[index] = { status: 'fulfilled', value };
        } catch (reason) {
          results[index] = { status: 'rejected', reason };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, drafts.length) }, worker));
    return results;
  }

  /**
   * The put loop. `known` is the item as already read (null: absent); undefined means read it.
   * After a lost race the item is always re-read.
   */
  private async putKnowing(
    draft: ArticleDraft,
    options: PutOptions,
    known: ArticleItem | null | undefined,
  ): Promise<PutOutcome> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      await backOff(attempt);
      const current = attempt === 0 && known !== undefined ? known : await this.readItem(draft.id);
      const stored = current ? this.readable(current) : null;
      const nowIso = this.now().toISOString();

      if (current && !stored) {
        // A quarantined item: the upload replaces it (conditional on the version it holds).
        const version = typeof current.version === 'number' ? current.version : 0;
        const article: Article = {
          ...draft,
          version: version + 1,
          previousHash: null,
          ingestedAt: nowIso,
          updatedAt: nowIso,
        };
        if (await this.conditionalWrite(current, liveItem(article))) {
          this.quarantine.delete(draft.id);
          return { status: 'created', article, restored: false };
        }
        continue;
      }
      if (!stored) {
        const article: Article = {
          ...draft,
          version: 1,
          previousHash: null,
          ingestedAt: nowIso,
          updatedAt: nowIso,
        };
        if (await this.conditionalWrite(null, liveItem(article))) {
          return { status: 'created', article, restored: false };
        }
        continue;
      }

      const { article: existing, deletedAt } = stored;
      if (deletedAt !== null && !options.restore) {
        return { status: 'taken_down', id: existing.id, version: existing.version, deletedAt };
      }
      if (deletedAt === null && existing.contentHash === draft.contentHash) {
        return { status: 'unchanged', article: existing, restored: false };
      }
      const article: Article = {
        ...draft,
        version: existing.version + 1,
        previousHash: existing.contentHash,
        ingestedAt: existing.ingestedAt,
        updatedAt: nowIso,
      };
      // A new version stays in its story.
      const storyId = existing.storyId ?? draft.storyId;
      if (storyId) article.storyId = storyId;
      if (await this.conditionalWrite(current, liveItem(article))) {
        return { status: 'updated', article, restored: deletedAt !== null };
      }
    }
    throw new ConcurrentWriteError(draft.id);
  }

  async get(id: string): Promise<Article | null> {
    const item = await this.readItem(id);
    const stored = item ? this.readable(item) : null;
    return stored && stored.deletedAt === null ? stored.article : null;
  }

  async takeDown(id: string): Promise<TakeDownOutcome> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      await backOff(attempt);
      const current = await this.readItem(id);
      if (!current) return { status: 'not_found', id };
      // A quarantined item is taken down like any other: its tombstone keeps what was readable.
      const { article, deletedAt } = this.readable(current) ?? {
        article: salvageArticle(current, id),
        deletedAt: null,
      };
      if (deletedAt !== null) return { status: 'not_found', id };
      const nowIso = this.now().toISOString();
      const tombstone = { ...article, version: article.version + 1, updatedAt: nowIso };
      if (await this.conditionalWrite(current, tombstoneItem(tombstone, nowIso))) {
        this.quarantine.delete(id);
        return { status: 'taken_down', id, version: tombstone.version, deletedAt: nowIso };
      }
    }
    throw new ConcurrentWriteError(id);
  }

  /** Whether the table holds any article (live or taken down): one item read, not a scan. */
  async hasAny(): Promise<boolean> {
    const page = await this.doc.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: 1,
        ProjectionExpression: '#id',
        ExpressionAttributeNames: { '#id': 'id' },
      }),
    );
    return (page.Items?.length ?? 0) > 0;
  }

  async count(): Promise<number> {
    let total = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          IndexName: ARTICLE_TABLE_SCHEMA.dateIndex.name,
          Select: 'COUNT',
          ExclusiveStartKey,
        }),
      );
      total += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return total;
  }

  async *scan(): AsyncIterable<Article> {
    for await (const change of this.scanChanges()) {
      if (change.kind === 'upsert') yield change.article;
    }
  }

  async *scanChanges(): AsyncIterable<ArticleChange> {
    for await (const page of paginateScan({ client: this.doc }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) {
        const stored = this.readable(item as ArticleItem);
        if (!stored) continue;
        const { article, deletedAt } = stored;
        yield deletedAt === null
          ? { kind: 'upsert', id: article.id, version: article.version, article }
          : { kind: 'remove', id: article.id, version: article.version };
      }
    }
  }

  async *scanStates(): AsyncIterable<ArticleState> {
    const pages = paginateScan(
      { client: this.doc },
      {
        TableName: this.tableName,
        ProjectionExpression: '#id, #v, #d',
        ExpressionAttributeNames: { '#id': 'id', '#v': 'version', '#d': 'deletedAt' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        yield { id: String(item.id), version: Number(item.version), removed: item.deletedAt !== undefined };
      }
    }
  }

  async getMany(ids: readonly string[]): Promise<Article[]> {
    return (await this.readCurrent(ids)).live;
  }

  async readCurrent(ids: readonly string[]): Promise<{ live: Article[]; removed: ArticleState[] }> {
    const live: Article[] = [];
    const removed: ArticleState[] = [];
    for (const item of (await this.readItems(ids)).values()) {
      const stored = this.readable(item);
      if (stored?.deletedAt === null) live.push(stored.article);
      else if (stored)
        removed.push({ id: stored.article.id, version: stored.article.version, removed: true });
    }
    return { live, removed };
  }

  /** Strongly consistent batched read; the map holds the items that exist. */
  private async readItems(ids: readonly string[]): Promise<Map<string, ArticleItem>> {
    const items = new Map<string, ArticleItem>();
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += BATCH_GET_SIZE) {
      let keys: Record<string, unknown>[] = unique.slice(start, start + BATCH_GET_SIZE).map((id) => ({ id }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed keys');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const result = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          items.set(String(item.id), item as ArticleItem);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return items;
  }

  async listByDate(query: ListByDateQuery): Promise<ArticlePage> {
    const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
    const newestFirst = (query.order ?? 'newest') === 'newest';
    const from = toSecondPrecision(query.from);
    const to = toSecondPrecision(query.to);
    if (!from || !to) throw new InvalidCursorError('from and to must be ISO dates');
    const months = monthsBetween(from, to);
    if (!newestFirst) months.reverse();
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    let monthIndex = cursor ? months.indexOf(cursor.month) : 0;
    if (monthIndex < 0) throw new InvalidCursorError('cursor does not belong to this date range');
    let startKey = cursor?.key;
    const articles: Article[] = [];
    const { dateIndex } = ARTICLE_TABLE_SCHEMA;

    for (; monthIndex < months.length; monthIndex++) {
      const month = months[monthIndex] as string;
      const pages = paginateQuery(
        { client: this.doc, pageSize: limit },
        {
          TableName: this.tableName,
          IndexName: dateIndex.name,
          KeyConditionExpression: '#m = :m AND #s BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#m': dateIndex.partitionKey, '#s': dateIndex.sortKey },
          ExpressionAttributeValues: { ':m': month, ':lo': `${from}#`, ':hi': `${to}#\uffff` },
          ScanIndexForward: !newestFirst,
          ExclusiveStartKey: startKey,
        },
      );
      startKey = undefined;
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const stored = this.readable(item as ArticleItem);
          if (!stored) continue;
          articles.push(stored.article);
          if (articles.length === limit) {
            const last = articles[articles.length - 1] as Article;
            const key = {
              id: last.id,
              [dateIndex.partitionKey]: monthOf(last.publishedAt),
              [dateIndex.sortKey]: sortKeyOf(last),
            };
            return { articles, nextCursor: encodeCursor({ month, key }) };
          }
        }
      }
    }
    return { articles, nextCursor: null };
  }

  private async readItem(id: string): Promise<ArticleItem | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return (Item as ArticleItem | undefined) ?? null;
  }

  /**
   * Writes `next` only if the item is still what was read (absent, or at the same version).
   * Returns false when another writer won the race; emits the change record after a commit.
   */
  private async conditionalWrite(previous: ArticleItem | null, next: ArticleItem): Promise<boolean> {
    // Logged first, like dynalite's index entries: a committed write is never missing from the log.
    await this.changeLog?.record({
      id: next.id,
      version: next.version,
      removed: next.deletedAt !== undefined,
      at: next.updatedAt,
      publishedAt: next.publishedAt,
    });
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: next,
          ...(previous
            ? {
                ConditionExpression: '#v = :expected',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':expected': previous.version },
              }
            : {
                ConditionExpression: 'attribute_not_exists(#id)',
                ExpressionAttributeNames: { '#id': 'id' },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    await this.emit(previous, next);
    return true;
  }

  private async emit(previous: ArticleItem | null, next: ArticleItem): Promise<void> {
    if (!this.changeSink) return;
    try {
      await this.changeSink([buildChangeRecord(this.tableName, previous, next, this.now())]);
    } catch (error) {
      this.onChangeSinkError(error);
    }
  }
}

interface Cursor {
  month: string;
  key: Record<string, unknown>;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof parsed.month !== 'string' || typeof parsed.key !== 'object' || !parsed.key) throw new Error();
    return parsed;
  } catch {
    throw new InvalidCursorError('malformed cursor');
  }
}

/** Same textual form as `publishedAt` (`YYYY-MM-DDTHH:MM:SSZ`) so sort keys compare correctly. */
function toSecondPrecision(iso: string): string | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `YYYY-MM` months from `from` to `to` inclusive, newest first. */
function monthsBetween(from: string, to: string): string[] {
  const start = new Date(from);
  const end = new Date(to);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start > end) return [];
  const months: string[] = [];
  const cursor = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1));
  const first = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1);
  while (cursor.getTime() >= first && months.length < MAX_LIST_MONTHS) {
    months.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() - 1);
  }
  return months;
}
