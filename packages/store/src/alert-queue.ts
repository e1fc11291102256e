import type { SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { sqsSdk } from './aws-sdk-on-demand';

/**
 * One match waiting to be delivered: what the alert matcher queues and the delivery function
 * consumes. The body is the webhook's payload, built once at matching, so every attempt sends (and
 * signs) the same bytes.
 */
export interface QueuedDelivery {
  alertId: string;
  deliveryId: string;
  body: string;
}

/** Where matches go to be delivered (SQS on AWS; locally the process delivers them itself). */
export interface DeliveryQueue {
  /** Queues every delivery; throws when any could not be queued (the caller retries them all). */
  send(deliveries: readonly QueuedDelivery[]): Promise<void>;
}

const QueuedDeliverySchema = z.strictObject({
  alertId: z.string().min(1).max(100),
  deliveryId: z.string().min(1).max(300),
  body: z.string().min(2),
});

/** Reads a queued delivery back from a message body. @throws Error naming what is wrong. */
export function parseQueuedDelivery(messageBody: string): QueuedDelivery {
  let raw: unknown;
  try {
    raw = JSON.parse(messageBody);
  } catch {
    throw new Error('a queued delivery is not JSON');
  }
  const parsed = QueuedDeliverySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`not a queued delivery: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** SQS takes at most 10 messages per SendMessageBatch. */
const SQS_BATCH = 10;

/** The delivery queue on SQS: one message per delivery, sent 10 to a request. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(deliveries: readonly QueuedDelivery[]): Promise<void> {
    for (let start = 0; start < deliveries.length; start += SQS_BATCH) {
      const chunk = deliveries.slice(start, start + SQS_BATCH);
      const { Failed } = await this.sqs.send(
        new (sqsSdk().SendMessageBatchCommand)({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((delivery, i) => ({ Id: String(i), MessageBody: JSON.stringify(delivery) })),
        }),
      );
      if (Failed && Failed.length > 0) {
        const first = Failed[0];
        throw new Error(
          `${Failed.length} of ${chunk.length} deliveries not queued: ${first?.Code} ${first?.Message ?? ''}`.trim(),
        );
      }
    }
  }

  /**
   * Makes a received message visible again in `seconds` instead of after the queue's visibility
   * timeout: the backoff before the next attempt of a delivery that failed (SQS redelivers it then).
   */
  async retryAfter(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new (sqsSdk().ChangeMessageVisibilityCommand)({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        // SQS takes whole seconds, at most 12 hours.
        VisibilityTimeout: Math.min(43_200, Math.max(0, Math.ceil(seconds))),
      }),
    );
  }
}

/** An SQS client; `endpoint` only for an endpoint speaking the SQS API elsewhere (tests). */
export function createSqsClient(options: { endpoint?: string | undefined } = {}): SQSClient {
  const { SQSClient } = sqsSdk();
  return new SQSClient(options.endpoint ? { endpoint: options.endpoint } : {});
}
