/**
 * Lambda: the article table's stream → alert matches → the delivery queue (docs/ALERTS.md). Its own
 * event source mapping on the stream, beside the indexer's: matching never waits on indexing, and
 * an index publication failing never holds alerts back.
 *
 * The active alerts live in a percolator in module scope, reloaded from the alert table (a scan)
 * when older than `ARCHIVE_ALERTS_REFRESH_MS`: a warm container matches with no table read; a new
 * alert starts matching within that time. Each match becomes one SQS message (the payload, built
 * once); the delivery function signs and POSTs it.
 *
 * Failures are reported by sequence number (`reportBatchItemFailures`): the stream retries from the
 * first failed record, so the records after it are not sent now (they would be sent twice). A
 * record that does not decode is logged and skipped: the indexer's mapping, which reads the same
 * stream, reports it and sends it to the stream dead-letter queue, where an operator sees it.
 */

import { AlertMatcher } from '@archive/api';
import {
  createDynamoClients,
  createSqsClient,
  DynamoAlertStore,
  decodeChangeRecord,
  SqsDeliveryQueue,
} from '@archive/store';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { readFunctionConfig } from './config';

const config = readFunctionConfig('alertMatcher');
const logger = new Logger({ serviceName: 'archive-alert-matcher' });
const { doc } = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT });
const store = new DynamoAlertStore(doc, config.ARCHIVE_ALERT_TABLE_NAME);
const queue = new SqsDeliveryQueue(
  createSqsClient({ endpoint: config.SQS_ENDPOINT }),
  config.ARCHIVE_ALERT_QUEUE_URL,
);
const matcher = new AlertMatcher(undefined, (error) =>
  logger.error('alert not loaded', { error: error instanceof Error ? error.message : String(error) }),
);
let loadedAt = Number.NEGATIVE_INFINITY;

/** Reloads the alerts when the loaded set is older than the refresh interval. */
async function refresh(): Promise<void> {
  if (Date.now() - loadedAt < config.ARCHIVE_ALERTS_REFRESH_MS) return;
  // A failed scan fails the invocation: the stream retries the whole batch with nothing sent.
  matcher.sync(await store.list());
  loadedAt = Date.now();
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  await refresh();
  let queued = 0;
  for (const [i, record] of event.Records.entries()) {
    const recordId = record.dynamodb?.SequenceNumber ?? record.eventID ?? `#${i}`;
    let change: ReturnType<typeof decodeChangeRecord>;
    try {
      change = decodeChangeRecord(record);
    } catch (error) {
      logger.error('undecodable change record skipped', {
        recordId,
        error: error instanceof Error ? error.message : String(error),
      });
      continue;
    }
    const deliveries = matcher.match([change]);
    try {
      await queue.send(deliveries);
    } catch (error) {
      logger.error('matches not queued; the stream retries from this record', {
        recordId,
        error: error instanceof Error ? error.message : String(error),
      });
      return { batchItemFailures: [{ itemIdentifier: recordId }] };
    }
    queued += deliveries.length;
  }
  logger.info('batch matched', { records: event.Records.length, alerts: matcher.size, queued });
  return { batchItemFailures: [] };
};
