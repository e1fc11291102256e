import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { ALERT_TABLE_SCHEMA } from './alert-store';
import { CHANGE_LOG_SCHEMA } from './change-log';
import { STORY_TABLE_SCHEMA } from './story-store';

/**
 * The article table's key schema, shared with the CDK stack so local and AWS tables agree.
 *
 * - Partition key `id` (the article id derived by core): every read and write is by id.
 * - GSI `byPublishedMonth`: partition `publishedMonth` (`YYYY-MM` of `publishedAt`, UTC), sort
 *   `publishedSort` (`<publishedAt>#<id>`). Month buckets spread writes over many partitions
 *   (a constant partition would be one hot key) while a date range is still a handful of
 *   queries. The index is sparse: tombstones carry neither attribute, so they drop out of it
 *   and of `count()`.
 */
export const ARTICLE_TABLE_SCHEMA = {
  partitionKey: 'id',
  dateIndex: {
    name: 'byPublishedMonth',
    partitionKey: 'publishedMonth',
    sortKey: 'publishedSort',
  },
} as const;

/** The ingest-key table: partition key `keyHash` (hex SHA-256 of the key); plaintext never stored. */
export const KEYS_TABLE_SCHEMA = { partitionKey: 'keyHash' } as const;

export const DEFAULT_TABLE_NAME = 'articles';
export const DEFAULT_KEYS_TABLE_NAME = 'ingest-keys';

export function articleTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, dateIndex } = ARTICLE_TABLE_SCHEMA;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: dateIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: dateIndex.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: dateIndex.name,
        KeySchema: [
          { AttributeName: dateIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: dateIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

export function keysTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: KEYS_TABLE_SCHEMA.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: KEYS_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
  };
}

/** The story table (story-store.ts): partition key `key`, sort key `member`. */
export function storyTableDefinition(tableName: string): CreateTableCommandInput {
  return hashRangeTableDefinition(tableName, STORY_TABLE_SCHEMA);
}

/** The local store's change log (change-log.ts): partition key `day`, sort key `seq`. */
export function changeLogTableDefinition(tableName: string): CreateTableCommandInput {
  return hashRangeTableDefinition(tableName, CHANGE_LOG_SCHEMA);
}

function hashRangeTableDefinition(
  tableName: string,
  { partitionKey, sortKey }: { partitionKey: string; sortKey: string },
): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
  };
}

/** The alert table (alert-store.ts): partition key `id`. */
export function alertTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: ALERT_TABLE_SCHEMA.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: ALERT_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' }],
  };
}

export interface TableNames {
  tableName: string;
  keysTableName: string;
  /** Created too when given (story detection). */
  storyTableName?: string;
  /** Created too when given (standing searches). */
  alertTableName?: string;
  /** Created too when given (the local store's change log, change-log.ts). */
  changeLogTableName?: string;
}

/**
 * Creates the article and key tables when missing and waits until they are ACTIVE.
 * Used locally and in tests; on AWS the CDK stack owns the tables.
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await ensureTable(client, articleTableDefinition(names.tableName));
  await ensureTable(client, keysTableDefinition(names.keysTableName));
  if (names.storyTableName) await ensureTable(client, storyTableDefinition(names.storyTableName));
  if (names.alertTableName) await ensureTable(client, alertTableDefinition(names.alertTableName));
  if (names.changeLogTableName) await ensureTable(client, changeLogTableDefinition(names.changeLogTableName));
}

async function ensureTable(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  const TableName = definition.TableName;
  try {
    await client.send(new CreateTableCommand(definition));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // dynalite runs with createTableMs: 0, so this loop normally ends on the first describe.
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${TableName} did not become ACTIVE`);
}
