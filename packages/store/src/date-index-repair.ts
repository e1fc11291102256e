import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { ARTICLE_TABLE_SCHEMA } from './tables';

export interface DateIndexRepair {
  /** Index entries whose item was never written or is a tombstone (removed). */
  orphans: number;
  /** Live items the index had lost (put back). */
  missing: number;
}

/**
 * Local only (dynalite). dynalite writes a put's index entries before the item, so a process
 * killed in between leaves an index entry with no live item behind (or, for a takedown, a live
 * item whose entry is already gone); `count()` then reports more (or fewer) articles than exist
 * (issue 12: /health counted 4 too many after SIGKILLs). DynamoDB itself keeps its indexes
 * consistent, so this runs only on the local store, after an unclean shutdown.
 *
 * dynalite deletes the index entries that the item it replaces had, so an orphan goes away by
 * writing an item that carries the orphan's index keys and then writing the true item back (or
 * deleting it when there was none). Writes go straight to the table: no change records.
 */
export async function repairLocalDateIndex(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<DateIndexRepair> {
  const { partitionKey: month, sortKey: sort, name } = ARTICLE_TABLE_SCHEMA.dateIndex;
  const indexed = new Map<string, { month: unknown; sort: unknown }>();
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      IndexName: name,
      ProjectionExpression: '#id, #m, #s',
      ExpressionAttributeNames: { '#id': 'id', '#m': month, '#s': sort },
    },
  )) {
    for (const entry of page.Items ?? [])
      indexed.set(String(entry.id), { month: entry[month], sort: entry[sort] });
  }
  const live = new Set<string>();
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      ProjectionExpression: '#id, #m',
      ExpressionAttributeNames: { '#id': 'id', '#m': month },
    },
  )) {
    for (const item of page.Items ?? []) if (item[month] !== undefined) live.add(String(item.id));
  }

  const report: DateIndexRepair = { orphans: 0, missing: 0 };
  for (const [id, keys] of indexed) {
    if (live.has(id)) continue;
    const { Item: item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
    );
    await doc.send(
      new PutCommand({ TableName: tableName, Item: { ...item, id, [month]: keys.month, [sort]: keys.sort } }),
    );
    if (item) await doc.send(new PutCommand({ TableName: tableName, Item: item }));
    else await doc.send(new DeleteCommand({ TableName: tableName, Key: { id } }));
    report.orphans++;
  }
  for (const id of live) {
    if (indexed.has(id)) continue;
    const { Item: item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
    );
    if (item) await doc.send(new PutCommand({ TableName: tableName, Item: item }));
    report.missing++;
  }
  return report;
}
