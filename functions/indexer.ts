/**
 * Lambda: DynamoDB stream → index segments. One batch = one publication (a small new segment per
 * partition touched, delete markers, a new state and the manifest's compare-and-swap); after it,
 * in the same invocation, the merges the merge policy asks for and, at most once a minute, garbage
 * collection (docs/INDEX-LIFECYCLE.md). The indexer runs with reserved concurrency 1, so merges
 * never race its own batches; a merge racing another writer loses its swap and is redone. Partial failures are reported by sequence number (`reportBatchItemFailures`
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
/** Merges stop starting after this much of an invocation (the one under way finishes). */
const MERGE_BUDGET_MS = 20_000;
const logger = new Logger({ serviceName: 'archive-indexer' });

// Module scope: the decoded snapshot stays cached between invocations of a warm container.
const indexer = new Indexer({
  store: indexBlobStore({
    bucket: config.ARCHIVE_INDEX_BUCKET,
    prefix: config.ARCHIVE_INDEX_PREFIX,
    s3Endpoint: config.S3_ENDPOINT,
  }),
  partitionTarget: config.ARCHIVE_PARTITION_TARGET,
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
  // After the batch is durable: merges cost this invocation, never the batch's publication.
  const maintenance = await indexer.maintain({ budgetMs: MERGE_BUDGET_MS }).catch((error: unknown) => {
    logger.error('merge failed', { error: error instanceof Error ? error.message : String(error) });
    return null;
  });
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
    publishedBytes: result.published?.bytesWritten ?? 0,
    mergedSegments: maintenance?.inputs ?? 0,
    mergeBytes: maintenance?.bytesWritten ?? 0,
    garbageCollected: maintenance?.garbage ?? 0,
  });
  return { batchItemFailures: result.batchItemFailures };
};
