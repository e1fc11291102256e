import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ArchiveAlarmsProps {
  readonly indexer: IFunction;
  readonly search: IFunction;
  readonly deadLetters: IQueue;
  /** The alert deliveries' dead-letter queue. */
  readonly alertDeadLetters: IQueue;
  readonly stage: HttpStage;
  readonly searchP99AlarmMs: number;
  readonly alarmEmail?: string;
  /** Log groups of the functions that refresh an index (search, partition functions). */
  readonly refreshLogGroups?: readonly ILogGroup[];
  /** Partition functions (none in the single-function layout). */
  readonly partitionFunctions?: readonly IFunction[];
}

/** The alarms of docs/DEPLOY.md ("What each alarm means"), all publishing to one SNS topic. */
export class ArchiveAlarms extends Construct {
  readonly topic: Topic;
  readonly indexerErrors: Alarm;
  readonly iteratorAge: Alarm;
  readonly deadLettersNotEmpty: Alarm;
  readonly alertDeadLettersNotEmpty: Alarm;
  readonly api5xx: Alarm;
  readonly searchLatency: Alarm;
  readonly indexRefreshFailures: Alarm;
  /** Per partition function: invocations that failed, and invocations Lambda throttled. */
  readonly partitionErrors: Alarm[] = [];
  readonly partitionThrottles: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ArchiveAlarmsProps) {
    super(scope, id);

    this.topic = new Topic(this, 'Topic', { displayName: 'Dispatch archive alarms', enforceSSL: true });
    // No KMS key on the topic: it carries only alarm state changes (names, thresholds), no customer
    // data, and CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key.
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const fiveMinutes = Duration.minutes(5);

    // Any indexer invocation that fails as a whole (crash, timeout, out of memory). Per-record failures
    // are reported in batchItemFailures and do not count here; they end in the dead-letter queue.
    this.indexerErrors = new Alarm(this, 'IndexerErrors', {
      alarmDescription: 'Indexer invocations failed: search is falling behind the store. See docs/DEPLOY.md.',
      metric: props.indexer.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Age of the oldest record the indexer has yet to process; 5 minutes means search is stale.
    this.iteratorAge = new Alarm(this, 'IndexerIteratorAge', {
      alarmDescription: 'The indexer is more than 5 minutes behind the article stream.',
      metric: props.indexer.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: Duration.minutes(5).toMilliseconds(),
      evaluationPeriods: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.deadLettersNotEmpty = this.queueNotEmpty(
      'DeadLettersNotEmpty',
      props.deadLetters,
      'Change records the indexer or the alert matcher gave up on are waiting to be re-driven.',
    );

    // A delivery the delivery function itself kept failing on (not a receiver's failure: those park
    // the alert): a malformed message or the alert table unavailable for ~7 receives.
    this.alertDeadLettersNotEmpty = this.queueNotEmpty(
      'AlertDeadLettersNotEmpty',
      props.alertDeadLetters,
      'Alert deliveries the delivery function gave up on are waiting. See docs/ALERTS.md.',
    );

    // The API answers no input with a 5xx, so a handful in five minutes is a fault, not noise.
    this.api5xx = new Alarm(this, 'Api5xx', {
      alarmDescription: 'The HTTP API answered 5xx responses.',
      metric: new Metric({
        namespace: 'AWS/ApiGateway',
        metricName: '5xx',
        dimensionsMap: { ApiId: props.stage.api.apiId, Stage: props.stage.stageName },
        period: fiveMinutes,
        statistic: 'Sum',
      }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Handler duration only: Lambda reports the cold-start snapshot load as Init Duration, not here.
    this.searchLatency = new Alarm(this, 'SearchP99Latency', {
      alarmDescription: `Search p99 duration above ${props.searchP99AlarmMs} ms for 15 minutes.`,
      metric: props.search.metricDuration({ period: fiveMinutes, statistic: 'p99' }),
      threshold: props.searchP99AlarmMs,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // A search (or partition) function that cannot refresh keeps answering from the index it has:
    // its answers stay 200 and grow stale, which no other alarm sees (found by injecting S3 faults,
    // test/reliability/s3-faults.test.ts). Counted from the log line each failed refresh writes.
    const refreshFailed = FilterPattern.any(
      FilterPattern.stringValue('$.message', '=', 'index refresh failed'),
      FilterPattern.stringValue('$.message', '=', 'partition refresh failed'),
    );
    (props.refreshLogGroups ?? []).forEach((logGroup, i) => {
      logGroup.addMetricFilter(`RefreshFailures${i}`, {
        filterPattern: refreshFailed,
        metricNamespace: 'Archive',
        metricName: 'IndexRefreshFailures',
        metricValue: '1',
      });
    });
    this.indexRefreshFailures = new Alarm(this, 'IndexRefreshFailures', {
      alarmDescription:
        'Search functions failed to refresh the index 3+ times in 5 minutes: answers come from an old index (S3 errors or a broken publication).',
      metric: new Metric({
        namespace: 'Archive',
        metricName: 'IndexRefreshFailures',
        period: fiveMinutes,
        statistic: 'Sum',
      }),
      threshold: 3,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // A partition function that fails or is throttled makes search answers incomplete (marked, with
    // the time ranges missing): the answers stay 200, so the API 5xx alarm would never see it.
    (props.partitionFunctions ?? []).forEach((fn, i) => {
      this.partitionErrors.push(
        new Alarm(this, `Partition${i}Errors`, {
          alarmDescription: `Partition function ${i} failed invocations: search answers miss its time ranges.`,
          metric: fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      this.partitionThrottles.push(
        new Alarm(this, `Partition${i}Throttles`, {
          alarmDescription: `Partition function ${i} was throttled: raise its concurrency or the account's limit.`,
          metric: fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    });

    for (const alarm of [
      ...this.partitionErrors,
      ...this.partitionThrottles,
      this.indexerErrors,
      this.iteratorAge,
      this.deadLettersNotEmpty,
      this.alertDeadLettersNotEmpty,
      this.api5xx,
      this.searchLatency,
      this.indexRefreshFailures,
    ]) {
      alarm.addAlarmAction(action);
    }
  }

  /** A dead-letter queue holding anything at all: each message is work given up on. */
  private queueNotEmpty(id: string, queue: IQueue, description: string): Alarm {
    return new Alarm(this, id, {
      alarmDescription: description,
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
