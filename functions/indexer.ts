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

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { type ChangeItem, Indexer } from '../packages/search/src/indexer';
import type { BlobStore } from '../packages/store/src/blob-store';
import { FsBlobStore } from '../packages/store/src/blob-store-fs';
import { S3BlobStore } from '../packages/store/src/blob-store-s3';
import { decodeChangeRecord } from '../packages/store/src/stream-records';

const config = z
  .object({
    /** The snapshot bucket; `file:///path` selects a local directory (bundled-handler tests). */
    ARCHIVE_INDEX_BUCKET: z.string().min(1, 'ARCHIVE_INDEX_BUCKET is required'),
    ARCHIVE_INDEX_PREFIX: z.string().default('index/'),
    S3_ENDPOINT: z.string().url().optional(),
  })
  .parse(process.env);

const logger = new Logger({ serviceName: 'archive-indexer' });

function blobStoreFromConfig(): BlobStore {
  if (config.ARCHIVE_INDEX_BUCKET.startsWith('file://')) {
    return new FsBlobStore(join(fileURLToPath(config.ARCHIVE_INDEX_BUCKET), config.ARCHIVE_INDEX_PREFIX));
  }
  const client = new S3Client(
    config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT, forcePathStyle: true } : {},
  );
  return new S3BlobStore({
    client,
    bucket: config.ARCHIVE_INDEX_BUCKET,
    prefix: config.ARCHIVE_INDEX_PREFIX,
  });
}

// Module scope: the decoded snapshot stays cached between invocations of a warm container.
const indexer = new Indexer({ store: blobStoreFromConfig() });

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
