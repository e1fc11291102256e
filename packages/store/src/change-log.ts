import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';

/**
 * The local store's change log (issue 10): one small item per article write, so the local indexer
 * finds "what changed since T" with a few queries instead of a scan of the article table.
 *
 * - Partition key `day` (`YYYY-MM-DD` of the write's `updatedAt`, UTC): one query per day since T.
 * - Sort key `seq` (`<updatedAt>#<id>#<version>`): ISO instants sort as text, so "since T" is one
 *   key condition.
 * - `id`, `version`, `removed`: what the write was meant to store (the reader re-reads the item).
 *
 * The entry is written before the article item, as dynalite writes an item's index entries before
 * the item (date-index-repair.ts): a committed write always has its entry, and an entry whose write
 * never committed (a lost race, a crash in between) is harmless because the reader re-reads the item.
 *
 * One item of partition `log` holds the log's epoch, a random id made when the log is first used:
 * an index whose mark names another epoch was built against another store (a data dir whose
 * `dynamo/` was replaced) and must reconcile by a full scan.
 */
export const CHANGE_LOG_SCHEMA = { partitionKey: 'day', sortKey: 'seq' } as const;
export const DEFAULT_CHANGE_LOG_TABLE_NAME = 'article-changes';

const EPOCH_KEY = { day: 'log', seq: 'epoch' } as const;
const DAY_MS = 86_400_000;

/** One logged write: the article's id, the version it was to store, and whether it took it down. */
export interface LoggedChange {
  id: string;
  version: number;
  removed: boolean;
  /** The write's `updatedAt` (UTC ISO, milliseconds). */
  at: string;
  /** The article's publication instant: its date-index keys, even when the item never committed. */
  publishedAt?: string;
}

export class ChangeLog {
  private epochValue: Promise<string> | null = null;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a write about to be made (called before the conditional write of the item). */
  async record(change: LoggedChange): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          day: change.at.slice(0, 10),
          seq: `${change.at}#${change.id}#${change.version}`,
          id: change.id,
          version: change.version,
          removed: change.removed,
          ...(change.publishedAt === undefined ? {} : { publishedAt: change.publishedAt }),
        },
      }),
    );
  }

  /** This log's epoch (made on first use; stable for the life of the table). */
  epoch(): Promise<string> {
    this.epochValue ??= this.readOrMakeEpoch().catch((error: unknown) => {
      this.epochValue = null;
      throw error;
    });
    return this.epochValue;
  }

  /**
   * Every entry at or after `since`, oldest day first: one query per day from `since` to tomorrow
   * (tomorrow: a write stamped just after midnight while this runs).
   */
  async *since(since: string): AsyncIterable<LoggedChange> {
    const from = Date.parse(since);
    if (Number.isNaN(from)) throw new Error(`not an instant: ${since}`);
    const last = this.now().getTime() + DAY_MS;
    for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= last; day += DAY_MS) {
      const pages = paginateQuery(
        { client: this.doc },
        {
          TableName: this.tableName,
          KeyConditionExpression: '#d = :day AND #s >= :since',
          ExpressionAttributeNames: { '#d': 'day', '#s': 'seq' },
          ExpressionAttributeValues: { ':day': new Date(day).toISOString().slice(0, 10), ':since': since },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          yield {
            id: String(item.id),
            version: Number(item.version),
            removed: item.removed === true,
            at: String(item.seq).slice(0, String(item.seq).indexOf('#')),
            ...(typeof item.publishedAt === 'string' ? { publishedAt: item.publishedAt } : {}),
          };
        }
      }
    }
  }

  private async readOrMakeEpoch(): Promise<string> {
    const read = async () => {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: EPOCH_KEY, ConsistentRead: true }),
      );
      return typeof Item?.epoch === 'string' ? Item.epoch : null;
    };
    const found = await read();
    if (found) return found;
    try {
      const epoch = randomUUID();
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...EPOCH_KEY, epoch },
          ConditionExpression: 'attribute_not_exists(#d)',
          ExpressionAttributeNames: { '#d': 'day' },
        }),
      );
      return epoch;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const raced = await read();
      if (!raced) throw error;
      return raced;
    }
  }
}
