import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { monthOf, sortKeyOf } from './article-item';
import type { ChangeLog } from './change-log';
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
    await dropOrphan(doc, tableName, id, await readItem(doc, tableName, id), keys);
    report.orphans++;
  }
  for (const id of live) {
    if (indexed.has(id)) continue;
    const item = await readItem(doc, tableName, id);
    if (item) await doc.send(new PutCommand({ TableName: tableName, Item: item }));
    report.missing++;
  }
  return report;
}

/**
 * {@link repairLocalDateIndex} for the articles written since `since` only, found in the change log:
 * a write in flight when the process was killed is logged before its item (change-log.ts), so these
 * are the only articles whose index entry can disagree with the item. One item read and one index
 * query per article written, instead of two scans of the archive.
 */
export async function repairLocalDateIndexSince(
  doc: DynamoDBDocumentClient,
  tableName: string,
  log: ChangeLog,
  since: string,
): Promise<DateIndexRepair & { checked: number }> {
  const { partitionKey: month, sortKey: sort, name } = ARTICLE_TABLE_SCHEMA.dateIndex;
  const written = new Map<string, string | undefined>();
  for await (const entry of log.since(since))
    written.set(entry.id, entry.publishedAt ?? written.get(entry.id));
  const report = { orphans: 0, missing: 0, checked: written.size };
  for (const [id, loggedPublishedAt] of written) {
    const item = await readItem(doc, tableName, id);
    // Every version of an id has the same publication instant (the id derives from it).
    const publishedAt = typeof item?.publishedAt === 'string' ? item.publishedAt : loggedPublishedAt;
    if (publishedAt === undefined) continue;
    const keys = { month: monthOf(publishedAt), sort: sortKeyOf({ publishedAt, id }) };
    const { Count } = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: name,
        KeyConditionExpression: '#m = :m AND #s = :s',
        ExpressionAttributeNames: { '#m': month, '#s': sort },
        ExpressionAttributeValues: { ':m': keys.month, ':s': keys.sort },
        Select: 'COUNT',
      }),
    );
    const indexed = (Count ?? 0) > 0;
    const live = item?.[month] !== undefined;
    if (indexed && !live) {
      await dropOrphan(doc, tableName, id, item, keys);
      report.orphans++;
    } else if (live && !indexed && item) {
      await doc.send(new PutCommand({ TableName: tableName, Item: item }));
      report.missing++;
    }
  }
  return report;
}

async function readItem(
  doc: DynamoDBDocumentClient,
  tableName: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await doc.send(
    new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }),
  );
  return Item;
}

/**
 * dynalite deletes the index entries of the item a write replaces: an item carrying the orphan's
 * keys is written, then the true item back (or nothing, when there was none).
 */
async function dropOrphan(
  doc: DynamoDBDocumentClient,
  tableName: string,
  id: string,
  item: Record<string, unknown> | undefined,
  keys: { month: unknown; sort: unknown },
): Promise<void> {
  const { partitionKey: month, sortKey: sort } = ARTICLE_TABLE_SCHEMA.dateIndex;
  await doc.send(
    new PutCommand({ TableName: tableName, Item: { ...item, id, [month]: keys.month, [sort]: keys.sort } }),
  );
  if (item) await doc.send(new PutCommand({ TableName: tableName, Item: item }));
  else await doc.send(new DeleteCommand({ TableName: tableName, Key: { id } }));
}
