import { DEFAULT_DELIVERY } from '@archive/api';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ArchiveFunction } from './archive-function';

/** Environment variable names of the alert functions (functions/config.ts reads them). */
export const ALERT_ENV = {
  table: 'ARCHIVE_ALERT_TABLE_NAME',
  queueUrl: 'ARCHIVE_ALERT_QUEUE_URL',
  maxAttempts: 'ARCHIVE_ALERT_MAX_ATTEMPTS',
} as const;

/**
 * How alerts run on AWS (docs/ALERTS.md):
 *
 * - the matcher reads the article stream with its own mapping (a DynamoDB stream serves at most two
 *   readers per shard at full speed: the indexer and this one); small batches, no batching window,
 *   because a delivery's latency starts at the upload. LATEST: an alert is about what comes next,
 *   and a re-created mapping must not replay a day of matches.
 * - deliveries wait in a queue, one message per match; the delivery function makes one attempt per
 *   receive and sets the message's visibility to the backoff when it fails. The attempt number is
 *   the receive count; the function parks the alert on attempt `maxAttempts`. The dead-letter
 *   queue only gets messages the function itself failed on (malformed, store down) two receives
 *   beyond that.
 */
export const ALERT_PIPELINE = {
  stream: { batchSize: 100, retryAttempts: 5, maxRecordAge: Duration.hours(6) },
  maxAttempts: DEFAULT_DELIVERY.maxAttempts,
  /** Receives before a message is dead-lettered: the attempts plus two for the function's own failures. */
  maxReceiveCount: DEFAULT_DELIVERY.maxAttempts + 2,
  deliveryTimeout: Duration.seconds(30),
  /**
   * The visibility of a message being delivered: AWS asks for at least six times the function's
   * timeout, so a receive that Lambda retries after a throttle does not make a message visible twice.
   * A failed attempt sets its own, shorter, visibility (the backoff).
   */
  visibilityTimeout: Duration.minutes(3),
  /** Deliveries at once at most (instances of the delivery function): bounds the load on receivers. */
  maxConcurrency: 10,
} as const;

export interface ArchiveAlertPipelineProps {
  readonly articles: ITable;
  readonly alerts: ITable;
  readonly logRetention: RetentionDays;
  /** Where the matcher's mapping sends stream records it gave up on (shared with the indexer's). */
  readonly streamDeadLetters: IQueue;
}

/** The alert matcher on the article stream, the delivery queue with its dead-letter queue, and the delivery function. */
export class ArchiveAlertPipeline extends Construct {
  readonly matcher: ArchiveFunction;
  readonly delivery: ArchiveFunction;
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: ArchiveAlertPipelineProps) {
    super(scope, id);
    const { logRetention } = props;

    // Messages carry a match's payload (article title, place, URL): published text, encrypted at
    // rest with the SQS-managed key like the indexer's dead letters (no KMS grants on the roles).
    this.deadLetters = new Queue(this, 'DeliveryDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Deliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: ALERT_PIPELINE.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: ALERT_PIPELINE.maxReceiveCount },
    });

    this.matcher = new ArchiveFunction(this, 'AlertMatcher', {
      logRetention,
      function: 'alertMatcher',
      description:
        'Matches article changes from the table stream against the alerts; queues one message per match',
      memorySize: 1024,
      timeout: Duration.minutes(1),
      environment: { [ALERT_ENV.queueUrl]: this.queue.queueUrl },
    }).bindTable(props.alerts, ALERT_ENV.table, 'scan');
    // Not grantSendMessages: it adds GetQueueAttributes and GetQueueUrl, which the matcher never calls.
    this.matcher.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }),
    );
    this.matcher.addEventSource(
      new DynamoEventSource(props.articles, {
        startingPosition: StartingPosition.LATEST,
        batchSize: ALERT_PIPELINE.stream.batchSize,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: ALERT_PIPELINE.stream.retryAttempts,
        maxRecordAge: ALERT_PIPELINE.stream.maxRecordAge,
        onFailure: new SqsDlq(props.streamDeadLetters),
      }),
    );
    this.matcher.acknowledgeOnRole(
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams, added by the DynamoDB event source, does not support resource-level ' +
        'permissions (it lists stream ARNs only, no data). All data actions on the stream (DescribeStream, ' +
        'GetRecords, GetShardIterator) are limited to the article table stream ARN.',
    );

    this.delivery = new ArchiveFunction(this, 'AlertDelivery', {
      logRetention,
      function: 'alertDelivery',
      description: 'Delivers queued alert matches: one signed webhook POST per message, outcome on the alert',
      memorySize: 256,
      timeout: ALERT_PIPELINE.deliveryTimeout,
      environment: {
        [ALERT_ENV.queueUrl]: this.queue.queueUrl,
        [ALERT_ENV.maxAttempts]: String(ALERT_PIPELINE.maxAttempts),
      },
    }).bindTable(props.alerts, ALERT_ENV.table, 'get', 'update');
    // The event source grants what consuming takes (receive, delete, change visibility) on this
    // queue only; ChangeMessageVisibility is also how a failed attempt sets its backoff.
    this.delivery.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: ALERT_PIPELINE.maxConcurrency,
      }),
    );
  }
}
