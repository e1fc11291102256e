/**
 * The alert pipeline in the synthesised stack (docs/ALERTS.md): the matcher's mapping on the article
 * stream, the delivery queue with its dead-letter queue, the delivery function's mapping, and what
 * each role may do. cdk-nag for the whole stack is checked in archive-stack.test.ts.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_PIPELINE } from './lib/alerts';
import { logicalId, roleStatements, type Synthesised, synthesise } from './test-support';

let s: Synthesised;
beforeAll(() => {
  s = synthesise();
}, 240_000);

const arnOf = (construct: { node: { defaultChild?: unknown } }) => ({
  'Fn::GetAtt': [logicalId(s, construct), 'Arn'],
});
const mappingOf = (fn: 'alertMatcher' | 'alertDelivery') =>
  Object.values(s.template.findResources('AWS::Lambda::EventSourceMapping')).find(
    (m) => m.Properties.FunctionName.Ref === logicalId(s, s.stack.functions[fn]),
  )?.Properties;
const dataStatements = (fn: 'alertMatcher' | 'alertDelivery' | 'ingest') =>
  roleStatements(s, fn).statements.filter((st) => !st.actions.every((a) => a.startsWith('logs:')));

describe('alert matcher', () => {
  it('reads the article stream with its own mapping: item failures reported, bisected, bounded, dead-lettered', () => {
    expect(mappingOf('alertMatcher')).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s, s.stack.storage.articles), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: ALERT_PIPELINE.stream.batchSize,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: ALERT_PIPELINE.stream.retryAttempts,
      MaximumRecordAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: arnOf(s.stack.deadLetters) } },
    });
  });

  it('may scan the alert table and send to the delivery queue, and nothing else', () => {
    const statements = dataStatements('alertMatcher');
    const stream = statements.filter((st) =>
      st.actions.some((a) => a.startsWith('dynamodb:') && a.includes('Stream')),
    );
    expect(stream.length).toBeGreaterThan(0);
    const rest = statements.filter((st) => !stream.includes(st));
    expect(rest).toEqual([
      { effect: 'Allow', actions: ['dynamodb:Scan'], resources: [arnOf(s.stack.storage.alerts)] },
      { effect: 'Allow', actions: ['sqs:SendMessage'], resources: [arnOf(s.stack.alerts.queue)] },
      // The mapping's on-failure destination (granted by the event source): pointers to records given up on.
      {
        effect: 'Allow',
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [arnOf(s.stack.deadLetters)],
      },
    ]);
    // No write to any table, no receive from any queue.
    const actions = statements.flatMap((st) => st.actions);
    expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|GetItem|Query)/.test(a))).toEqual(
      [],
    );
    expect(actions.filter((a) => /^sqs:(Receive|Delete|Change)/.test(a))).toEqual([]);
  });
});

describe('delivery queue', () => {
  it('is encrypted, SSL-only, and dead-letters after the attempts plus two receives', () => {
    const queue = s.template.toJSON().Resources[logicalId(s, s.stack.alerts.queue)];
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: ALERT_PIPELINE.visibilityTimeout.toSeconds(),
      RedrivePolicy: {
        deadLetterTargetArn: arnOf(s.stack.alerts.deadLetters),
        maxReceiveCount: ALERT_PIPELINE.maxAttempts + 2,
      },
    });
    // The visibility timeout covers six runs of the delivery function, as AWS asks.
    expect(ALERT_PIPELINE.visibilityTimeout.toSeconds()).toBeGreaterThanOrEqual(
      6 * ALERT_PIPELINE.deliveryTimeout.toSeconds(),
    );
    const dlq = s.template.toJSON().Resources[logicalId(s, s.stack.alerts.deadLetters)];
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
    for (const q of [s.stack.alerts.queue, s.stack.alerts.deadLetters]) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(s, q) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('an alarm fires on the first dead letter', () => {
    const alarm = s.template.toJSON().Resources[logicalId(s, s.stack.alarms.alertDeadLettersNotEmpty)];
    expect(alarm.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(s, s.stack.alerts.deadLetters), 'QueueName'] },
        },
      ],
      AlarmActions: [{ Ref: logicalId(s, s.stack.alarms.topic) }],
    });
  });
});

describe('alert delivery', () => {
  it('consumes the queue with partial batch responses and bounded concurrency', () => {
    expect(mappingOf('alertDelivery')).toMatchObject({
      EventSourceArn: arnOf(s.stack.alerts.queue),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: ALERT_PIPELINE.maxConcurrency },
    });
    const fn = s.template.toJSON().Resources[logicalId(s, s.stack.functions.alertDelivery)];
    expect(fn.Properties.Timeout).toBe(ALERT_PIPELINE.deliveryTimeout.toSeconds());
    expect(fn.Properties.Environment.Variables.ARCHIVE_ALERT_MAX_ATTEMPTS).toBe(
      String(ALERT_PIPELINE.maxAttempts),
    );
  });

  it('may read and update alerts, and consume its queue; nothing else', () => {
    const statements = dataStatements('alertDelivery');
    expect(statements).toContainEqual({
      effect: 'Allow',
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      resources: [arnOf(s.stack.storage.alerts)],
    });
    const sqs = statements.filter((st) => st.actions.some((a) => a.startsWith('sqs:')));
    for (const st of sqs) expect(st.resources).toEqual([arnOf(s.stack.alerts.queue)]);
    const actions = statements.flatMap((st) => st.actions);
    expect(actions).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(actions).not.toContain('sqs:SendMessage');
    expect(actions.filter((a) => /^dynamodb:(Put|Delete|Scan|Query|BatchWrite)/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });
});

describe('alert routes', () => {
  it('ingest may create, read, list and delete alerts but not update their outcomes', () => {
    const onAlerts = dataStatements('ingest').filter((st) =>
      st.resources.some((r) => JSON.stringify(r) === JSON.stringify(arnOf(s.stack.storage.alerts))),
    );
    expect(onAlerts).toEqual([
      {
        effect: 'Allow',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:Scan',
          'dynamodb:DeleteItem',
        ],
        resources: [arnOf(s.stack.storage.alerts)],
      },
    ]);
    const fn = s.template.toJSON().Resources[logicalId(s, s.stack.functions.ingest)];
    expect(fn.Properties.Environment.Variables.ARCHIVE_ALERT_TABLE_NAME).toEqual({
      Ref: logicalId(s, s.stack.storage.alerts),
    });
    // The webhook policy on AWS is the strict one: the test-only switch is never set.
    for (const name of ['ingest', 'alertDelivery'] as const) {
      const vars =
        s.template.toJSON().Resources[logicalId(s, s.stack.functions[name])].Properties.Environment.Variables;
      expect(vars.ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP, name).toBeUndefined();
    }
  });
});
