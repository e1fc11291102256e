import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';

/**
 * The story table: what story detection looks up at ingest and what `GET /stories/{id}` lists.
 * Partition key `key`, sort key `member`:
 *
 * - LSH band items: `key` = `band#<band key>`, `member` = `-`: the first article whose signature had
 *   that band (its id, story, publication time, signature and shingle count). Ingest reads the band
 *   keys of a batch with BatchGetItem (point reads, never a scan: the cost per article is fixed
 *   whatever the archive's size) and writes the keys not yet taken.
 * - Membership items: `key` = `story#<story id>`, `member` = `<publishedAt>#<article id>`, one per
 *   later copy (a story's first article is found by its id, the story id), so one Query lists it.
 *
 * Why no transaction with the article write: dynalite (the local store) has none, and none is
 * needed. These items are written before the article (write-ahead); an article whose write then
 * fails leaves band and membership items that point at nothing, which readers tolerate (members
 * are read back from the article table, missing ones dropped; a band item still carries a valid
 * signature, and an upload retried finds its own band items and joins the same story). The
 * reverse order could lose an article's band keys in a crash and miss its later copies.
 */
export interface BandEntry {
  bandKey: string;
  articleId: string;
  storyId: string;
  publishedAt: string;
  signature: string;
  shingles: number;
}

export interface StoryMember {
  storyId: string;
  articleId: string;
  publishedAt: string;
}

export interface StoryStore {
  /** The band items that exist among `keys`. */
  getBands(keys: readonly string[]): Promise<Map<string, BandEntry>>;
  /** Writes band items (only call with keys that were free) and membership items. */
  put(bands: readonly BandEntry[], members: readonly StoryMember[]): Promise<void>;
  /** A story's members, oldest first (some may have been taken down since). */
  members(storyId: string, limit?: number): Promise<StoryMember[]>;
}

export const STORY_TABLE_SCHEMA = { partitionKey: 'key', sortKey: 'member' } as const;
export const DEFAULT_STORY_TABLE_NAME = 'stories';
/** Members listed per story at most (a story is copies of one dispatch; thousands would be a bug). */
export const MAX_STORY_MEMBERS = 1000;

const BAND_MEMBER = '-';
const BATCH_GET_SIZE = 100;
const BATCH_WRITE_SIZE = 25;
const MAX_ATTEMPTS = 8;
/** Batched writes in flight per call. */
const WRITE_CONCURRENCY = 8;

interface BandItem {
  key: string;
  member: string;
  articleId: string;
  storyId: string;
  publishedAt: string;
  signature: string;
  shingles: number;
}

export class DynamoStoryStore implements StoryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getBands(keys: readonly string[]): Promise<Map<string, BandEntry>> {
    const found = new Map<string, BandEntry>();
    const unique = [...new Set(keys)];
    for (let start = 0; start < unique.length; start += BATCH_GET_SIZE) {
      let pending: Record<string, unknown>[] = unique
        .slice(start, start + BATCH_GET_SIZE)
        .map((bandKey) => ({ key: `band#${bandKey}`, member: BAND_MEMBER }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed story keys');
        if (attempt > 0) await backoff(attempt);
        const result = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
        );
        for (const raw of result.Responses?.[this.tableName] ?? []) {
          const item = raw as BandItem;
          const bandKey = item.key.slice('band#'.length);
          found.set(bandKey, {
            bandKey,
            articleId: item.articleId,
            storyId: item.storyId,
            publishedAt: item.publishedAt,
            signature: item.signature,
            shingles: item.shingles,
          });
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  async put(bands: readonly BandEntry[], members: readonly StoryMember[]): Promise<void> {
    const items: Record<string, unknown>[] = [
      ...bands.map(
        (band): BandItem => ({
          key: `band#${band.bandKey}`,
          member: BAND_MEMBER,
          articleId: band.articleId,
          storyId: band.storyId,
          publishedAt: band.publishedAt,
          signature: band.signature,
          shingles: band.shingles,
        }),
      ),
      ...members.map((m) => ({
        key: `story#${m.storyId}`,
        member: `${m.publishedAt}#${m.articleId}`,
        articleId: m.articleId,
        publishedAt: m.publishedAt,
      })),
    ];
    const chunks: Record<string, unknown>[][] = [];
    for (let start = 0; start < items.length; start += BATCH_WRITE_SIZE) {
      chunks.push(items.slice(start, start + BATCH_WRITE_SIZE));
    }
    // Chunks in parallel (as the repository's conditional writes): round trips overlap.
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await this.writeChunk(chunks[next++] as Record<string, unknown>[]);
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, chunks.length) }, worker));
  }

  private async writeChunk(items: Record<string, unknown>[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error('DynamoDB kept returning unprocessed story items');
      if (attempt > 0) await backoff(attempt);
      const result = await this.doc.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }

  async members(storyId: string, limit = MAX_STORY_MEMBERS): Promise<StoryMember[]> {
    const members: StoryMember[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#k = :k',
        ExpressionAttributeNames: { '#k': 'key' },
        ExpressionAttributeValues: { ':k': `story#${storyId}` },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        members.push({ storyId, articleId: String(item.articleId), publishedAt: String(item.publishedAt) });
        if (members.length >= limit) return members;
      }
    }
    return members;
  }
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
}
