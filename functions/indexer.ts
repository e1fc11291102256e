/**
 * Lambda: DynamoDB stream → index snapshot. One batch = one publication (snapshot blob + manifest
 * compare-and-swap). Partial failures are reported by sequence number (`reportBatchItemFailures`
 * on the event source mapping); a failed publication fails the whole batch, which is safe to
 * redeliver because applying changes is idempotent.
 *
 * Written without Powertools' BatchProcessor on purpose: it calls a handler per record, while
 * publishing must happen once per batch after all records are applied. The response shape is
 * the same `{ batchItemFailures: [{ itemIdentifier }] }`.
 */

import { type ChangeItem, Indexer } from '@archive/search';
import { decodeChangeRecord, indexBlobStore } from '@archive/store';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { readFunctionConfig } from './config';

const config = readFunctionConfig('indexer');
const logger = new Logger({ serviceName: 'archive-indexer' });

// Module scope: the decoded snapshot stays cached between invocations of a warm container.
const indexer = new Indexer({
  store: indexBlobStore({
    bucket: config.ARCHIVE_INDEX_BUCKET,
    prefix: config.ARCHIVE_INDEX_PREFIX,
    s3Endpoint: config.S3_ENDPOINT,
  }),
});

/** Turns stream records into indexer items; an undecodable record becomes an Error item. */
export function toChangeItems(records: DynamoDBRecord[]): ChangeItem[] {
  return records.map((record, i) => {
    const recordId = record.dynamodb?.SequenceNumber ?? record.eventID ?? `#${i}`;
    const seconds = record.dynamodb?.ApproximateCreationDateTime;
    const changedAt = seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
    try {
      return { recordId, change: decodeChangeRecord(record), changedAt };
    } catch (error) {
      return { recordId, change: error instanceof Error ? error : new Error(String(error)), changedAt };
    }
  });
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const items = toChangeItems(event.Records);
  const result = await indexer.applyChangeBatch(items);
  for (const item of items) {
    if (item.change instanceof Error) {
      logger.error('undecodable change record', { recordId: item.recordId, error: item.change.message });
    }
  }
  logger.info('batch indexed', {
    records: items.length,
    applied: result.applied,
    skipped: result.skipped,
    failed: result.batchItemFailures.length,
    publishedVersion: result.published?.version ?? null,
    publishAttempts: result.published?.attempts ?? 0,
  });
  return { batchItemFailures: result.batchItemFailures };
};
