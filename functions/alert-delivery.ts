/**
 * Lambda: the alert delivery queue → signed webhook POSTs (docs/ALERTS.md). One attempt per
 * message received: the message's `ApproximateReceiveCount` is the attempt number. The outcome is
 * recorded on the alert (`deliveries`, `failures`, `lastFailure`) by the same `WebhookDeliverer`
 * the local runtime uses; retrying is left to SQS:
 *
 * - success, or an alert deleted or parked meanwhile: the message is done (deleted by Lambda);
 * - a failure before the last attempt: the message's visibility is set to the backoff of that
 *   attempt (exponential, jittered, as locally) and it is reported as a batch item failure, so SQS
 *   delivers it again then;
 * - the failure of attempt `ARCHIVE_ALERT_MAX_ATTEMPTS` parks the alert and ends the message;
 * - a message this function cannot handle (malformed, the store failing) fails until the queue's
 *   maxReceiveCount moves it to the dead-letter queue, whose alarm an operator sees.
 *
 * Records of a batch are processed in parallel (Powertools' BatchProcessor): a slow receiver
 * costs its own attempt's 5 s, not the batch's.
 */

import { WebhookDeliverer } from '@archive/api';
import {
  createDynamoClients,
  createSqsClient,
  DynamoAlertStore,
  parseQueuedDelivery,
  SqsDeliveryQueue,
} from '@archive/store';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { readFunctionConfig } from './config';
import { functionWebhookPolicy } from './webhook-policy';

const config = readFunctionConfig('alertDelivery');
const logger = new Logger({ serviceName: 'archive-alert-delivery' });
const { doc } = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT });
const deliverer = new WebhookDeliverer(new DynamoAlertStore(doc, config.ARCHIVE_ALERT_TABLE_NAME), {
  policy: functionWebhookPolicy(config.ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP),
  maxAttempts: config.ARCHIVE_ALERT_MAX_ATTEMPTS,
});
const queue = new SqsDeliveryQueue(
  createSqsClient({ endpoint: config.SQS_ENDPOINT }),
  config.ARCHIVE_ALERT_QUEUE_URL,
);
const processor = new BatchProcessor(EventType.SQS);

/** A receiver's failure: the message is retried after its backoff (not a fault of this function). */
class DeliveryRetry extends Error {
  override readonly name = 'DeliveryRetry';
}

async function deliverRecord(record: SQSRecord): Promise<void> {
  const delivery = parseQueuedDelivery(record.body);
  const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
  const outcome = await deliverer.attempt(delivery.alertId, delivery, attempt);
  logger.info('delivery attempt', { deliveryId: delivery.deliveryId, attempt, outcome });
  if (outcome !== 'failed') return;
  const delayMs = deliverer.retryDelayMs(attempt);
  try {
    await queue.retryAfter(record.receiptHandle, delayMs / 1000);
  } catch (error) {
    // The retry still happens, after the queue's visibility timeout instead of the backoff.
    logger.warn('backoff not set', { error: error instanceof Error ? error.message : String(error) });
  }
  throw new DeliveryRetry(`attempt ${attempt} of ${delivery.deliveryId} failed; retried in ${delayMs} ms`);
}

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  // A batch whose every receiver failed is still a normal answer, not an invocation error.
  processPartialResponse(event, deliverRecord, processor, { context, throwOnFullBatchFailure: false });
