/**
 * Partition function: holds its share of the index's time partitions (the assignment of
 * packages/search/src/partitions/assignment.ts) and answers the search coordinator's rounds, invoked
 * directly with Lambda's Invoke API (no HTTP API in front of it).
 *
 * The share is loaded during init (top-level await, full CPU, not billed against the timeout);
 * afterwards each invocation starts, at most every `ARCHIVE_INDEX_REFRESH_MS`, a conditional read
 * of the manifest, and a publication that changed one of its partitions decodes only that one. The
 * event and the result are the wire documents of partitions/wire.ts; a failure is answered as a
 * document too (the coordinator marks that function's partitions missing), so the function itself
 * only fails when it cannot start.
 */

import { PartitionHolder } from '@archive/search';
import { indexBlobStore } from '@archive/store';
import { Logger } from '@aws-lambda-powertools/logger';
import { readFunctionConfig } from './config';

const config = readFunctionConfig('partition');
if (config.ARCHIVE_PARTITION_INDEX >= config.ARCHIVE_PARTITION_COUNT) {
  throw new Error(
    `invalid configuration of the partition function: ARCHIVE_PARTITION_INDEX (${config.ARCHIVE_PARTITION_INDEX}) must be below ARCHIVE_PARTITION_COUNT (${config.ARCHIVE_PARTITION_COUNT})`,
  );
}
const logger = new Logger({ serviceName: 'archive-partition' });

const holder = await PartitionHolder.open({
  store: indexBlobStore({
    bucket: config.ARCHIVE_INDEX_BUCKET,
    prefix: config.ARCHIVE_INDEX_PREFIX,
    s3Endpoint: config.S3_ENDPOINT,
  }),
  functionIndex: config.ARCHIVE_PARTITION_INDEX,
  functionCount: config.ARCHIVE_PARTITION_COUNT,
  refreshIntervalMs: config.ARCHIVE_INDEX_REFRESH_MS,
  handoffMs: config.ARCHIVE_PARTITION_HANDOFF_MS,
  onError: (error) =>
    logger.error('partition refresh failed', {
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
    }),
});
logger.info('partitions loaded', {
  publication: holder.version,
  partitions: holder.service.describe().map((p) => ({ key: p.key, documents: p.documentCount })),
});

export const handler = async (event: unknown): Promise<unknown> => {
  holder.maybeRefresh();
  return holder.service.answer(event);
};
