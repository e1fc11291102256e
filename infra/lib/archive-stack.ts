import { SEGMENT_PREFIX, SNAPSHOT_PREFIX, STATE_PREFIX } from '@archive/search';
import { CfnOutput, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALERT_ENV, ArchiveAlertPipeline } from './alerts';
import { ArchiveApi } from './api';
import { ArchiveFunction } from './archive-function';
import { type ArchiveSettings, INDEX_PREFIX } from './config';
import { ArchiveAlarms } from './monitoring';
import { ArchiveStorage } from './storage';

export interface ArchiveStackProps extends StackProps {
  readonly settings: ArchiveSettings;
}

/** Environment variable names shared with `functions/` and `packages/` (see the team brief). */
export const ENV = {
  table: 'ARCHIVE_TABLE_NAME',
  keysTable: 'ARCHIVE_KEYS_TABLE_NAME',
  storyTable: 'ARCHIVE_STORY_TABLE_NAME',
  alertTable: ALERT_ENV.table,
  bucket: 'ARCHIVE_INDEX_BUCKET',
  prefix: 'ARCHIVE_INDEX_PREFIX',
} as const;

/**
 * Stream mapping of the indexer. Every indexer invocation rewrites the index snapshot, so records are
 * batched generously: up to 1,000 records or 5 seconds (the default `indexerBatchWindowSeconds`),
 * whichever comes first. A batch import (up to
 * 500 dispatches per request) then costs one or two snapshot writes instead of hundreds, while a lone
 * dispatch still becomes searchable within ~5 s plus the snapshot write and the search function's
 * freshness check. Failed records are bisected to isolate the poison one, retried 5 times, and records
 * older than 6 hours are given up on: both end in the dead-letter queue with their shard and sequence
 * range, leaving at least 18 of the stream's 24 hours of retention to re-drive them.
 */
export const INDEXER_STREAM = {
  batchSize: 1000,
  retryAttempts: 5,
  maxRecordAge: Duration.hours(6),
  /**
   * One indexer at a time. The snapshot pointer is swapped with compare-and-swap, so two concurrent
   * writers could not lose each other's updates, but they would rebuild the same snapshot twice and
   * keep failing each other's swap, burning retries and S3 writes. One writer is cheaper and its
   * behaviour easier to reason about; the stream keeps per-shard order either way.
   */
  reservedConcurrency: 1,
} as const;

/** The whole service in one stack: storage, the seven functions, the alert queues, the HTTP API and the alarms. */
export class ArchiveStack extends Stack {
  readonly storage: ArchiveStorage;
  readonly functions: Record<
    'ingest' | 'search' | 'articles' | 'indexer' | 'authorizer' | 'alertMatcher' | 'alertDelivery',
    ArchiveFunction
  >;
  /** The alert matcher, the delivery queue and its dead-letter queue, the delivery function. */
  readonly alerts: ArchiveAlertPipeline;
  /** The K partition functions (none in the single-function layout, K = 0). */
  readonly partitionFunctions: ArchiveFunction[];
  readonly deadLetters: Queue;
  readonly api: ArchiveApi;
  readonly alarms: ArchiveAlarms;

  constructor(scope: Construct, id: string, props: ArchiveStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const storage = new ArchiveStorage(this, 'Storage', {
      noncurrentVersionDays: settings.noncurrentVersionDays,
    });
    this.storage = storage;
    const common = { logRetention: settings.logRetention };

    // API Gateway gives an integration at most 30 s; ingest takes batches of up to 5 MB. No keys
    // table: the API's authorizer checks the key before the function runs.
    const ingest = new ArchiveFunction(this, 'Ingest', {
      ...common,
      function: 'ingest',
      description: 'POST /dispatches: parse and store dispatches; the /alerts routes',
      memorySize: 1024,
      timeout: Duration.seconds(29),
    })
      .bindTable(storage.articles, ENV.table, 'get', 'write')
      // Story detection: point reads of band keys, batched puts of new bands and memberships.
      .bindTable(storage.stories, ENV.storyTable, 'get', 'batchPut')
      // The alert routes: create (a conditional put, after counting the table), list, read, delete.
      // Outcomes (updates) are the delivery function's alone.
      .bindTable(storage.alerts, ENV.alertTable, 'get', 'put', 'scan', 'delete');

    // Search reads the snapshot, never writes it: results come from the index, and GET /health
    // reports the index's version, size and age from its manifest. It also serves the reader's pages
    // (GET /, /read/{id}, /story/{id}), whose first page of results is rendered from that index; the
    // article page needs the article itself, hence GetItem on the table, and the story page the story's
    // members, hence Query on the story table; nothing more. With partition functions
    // it is their coordinator instead (below) and reads no index itself.
    const search = new ArchiveFunction(this, 'Search', {
      ...common,
      function: 'search',
      description:
        settings.partitionFunctions > 0
          ? `GET /search, /suggest, /health and the pages: coordinate ${settings.partitionFunctions} partition functions`
          : 'GET /search, /suggest, /health and the pages: answer from the in-memory index snapshot',
      memorySize: settings.searchMemoryMb,
      timeout: Duration.seconds(10),
      environment: { [ENV.prefix]: INDEX_PREFIX },
    })
      .bindTable(storage.articles, ENV.table, 'get')
      // The story page (GET /story/{id}) and story sizes of grouped results: Query on the table's keys.
      .bindTable(storage.stories, ENV.storyTable, 'queryTable');
    const partitionFunctions = this.partitionFunctionsFor(search, storage, settings);
    if (partitionFunctions.length === 0)
      search.bindBucket(storage.indexBucket, ENV.bucket, INDEX_PREFIX, 'read');
    // The coordinator needs the name only because its configuration schema is shared; no S3 access.
    else search.addEnvironment(ENV.bucket, storage.indexBucket.bucketName);
    this.partitionFunctions = partitionFunctions;

    // A takedown is an UpdateItem tombstone (new version), so no DeleteItem is granted.
    const articles = new ArchiveFunction(this, 'Articles', {
      ...common,
      function: 'articles',
      description: 'GET and DELETE /articles/{id}, GET /stories/{id}',
      memorySize: 512,
      timeout: Duration.seconds(10),
    })
      .bindTable(storage.articles, ENV.table, 'get', 'write')
      // GET /stories/{id}: one Query of the story's membership items.
      .bindTable(storage.stories, ENV.storyTable, 'queryTable');

    const authorizer = new ArchiveFunction(this, 'Authorizer', {
      ...common,
      function: 'authorizer',
      description: 'Checks ingest keys (hashed) for write routes',
      memorySize: 256,
      timeout: Duration.seconds(5),
    }).bindTable(storage.keys, ENV.keysTable, 'get');

    const indexer = new ArchiveFunction(this, 'Indexer', {
      ...common,
      function: 'indexer',
      description: 'Applies article changes from the table stream to the index segments, and merges them',
      memorySize: settings.indexerMemoryMb,
      // A batch takes seconds; the merges after it (segments/merge-policy.ts) may rewrite a whole
      // partition now and then, which takes longer.
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: INDEXER_STREAM.reservedConcurrency,
      environment: {
        [ENV.prefix]: INDEX_PREFIX,
        ...(settings.partitionTarget === undefined
          ? {}
          : { ARCHIVE_PARTITION_TARGET: String(settings.partitionTarget) }),
      },
    }).bindBucket(storage.indexBucket, ENV.bucket, INDEX_PREFIX, 'read-write', {
      // It collects segments and states no kept publication needs (segments/garbage.ts), and the
      // whole snapshots of earlier builds once converted.
      deleteUnder: [SEGMENT_PREFIX, STATE_PREFIX, SNAPSHOT_PREFIX].map((under) => `${INDEX_PREFIX}${under}`),
    });

    this.deadLetters = new Queue(this, 'IndexerDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue IS the dead-letter (on-failure) destination of the indexer stream mapping. Its ' +
        'messages are pointers to stream records, read by an operator during re-drive, not consumed by ' +
        'a function, so there is no further failure path to catch.',
    });
    indexer.addEventSource(
      new DynamoEventSource(storage.articles, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: INDEXER_STREAM.batchSize,
        maxBatchingWindow: Duration.seconds(settings.indexerBatchWindowSeconds),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: INDEXER_STREAM.retryAttempts,
        maxRecordAge: INDEXER_STREAM.maxRecordAge,
        onFailure: new SqsDlq(this.deadLetters),
      }),
    );

    this.alerts = new ArchiveAlertPipeline(this, 'Alerts', {
      articles: storage.articles,
      alerts: storage.alerts,
      logRetention: settings.logRetention,
      streamDeadLetters: this.deadLetters,
    });

    this.functions = {
      ingest,
      search,
      articles,
      indexer,
      authorizer,
      alertMatcher: this.alerts.matcher,
      alertDelivery: this.alerts.delivery,
    };
    for (const fn of [...Object.values(this.functions), ...partitionFunctions])
      acknowledgeFunctionFindings(fn);
    indexer.acknowledgeOnRole(
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams, added by the DynamoDB event source, does not support resource-level ' +
        'permissions (it lists stream ARNs only, no data). All data actions on the stream (DescribeStream, ' +
        'GetRecords, GetShardIterator) are limited to the article table stream ARN.',
    );

    this.api = new ArchiveApi(this, 'Api', {
      name: `archive-${settings.stage}`,
      ingest,
      search,
      articles,
      authorizer,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      authorizerCacheSeconds: settings.authorizerCacheSeconds,
      logRetention: settings.logRetention,
    });

    this.alarms = new ArchiveAlarms(this, 'Alarms', {
      indexer,
      search,
      deadLetters: this.deadLetters,
      alertDeadLetters: this.alerts.deadLetters,
      stage: this.api.stage,
      searchP99AlarmMs: settings.searchP99AlarmMs,
      partitionFunctions,
      refreshLogGroups: [search, ...partitionFunctions].map((fn) => fn.logGroup),
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'IndexBucketName', { value: storage.indexBucket.bucketName });
    new CfnOutput(this, 'ArticleTableName', { value: storage.articles.tableName });
    new CfnOutput(this, 'KeysTableName', {
      value: storage.keys.tableName,
      description: 'Set ARCHIVE_KEYS_TABLE_NAME to this to create or revoke ingest keys',
    });
    new CfnOutput(this, 'IndexerFunctionName', { value: indexer.functionName });
    new CfnOutput(this, 'IndexerDeadLetterQueueUrl', { value: this.deadLetters.queueUrl });
    new CfnOutput(this, 'AlertTableName', { value: storage.alerts.tableName });
    new CfnOutput(this, 'AlertDeadLetterQueueUrl', { value: this.alerts.deadLetters.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }

  /**
   * K partition functions, each told its place among them (the assignment is computed from the
   * published index by every function alike, packages/search/src/partitions/assignment.ts), and the
   * coordinator's right to invoke exactly these functions and nothing else.
   */
  private partitionFunctionsFor(
    search: ArchiveFunction,
    storage: ArchiveStorage,
    settings: ArchiveSettings,
  ): ArchiveFunction[] {
    const count = settings.partitionFunctions;
    const functions = Array.from({ length: count }, (_, i) =>
      new ArchiveFunction(this, `Partition${i}`, {
        logRetention: settings.logRetention,
        function: 'partition',
        description: `Holds share ${i + 1} of ${count} of the search index partitions; invoked by the search coordinator`,
        memorySize: settings.partitionMemoryMb,
        // Well above a warm answer (tens of ms); the coordinator gives up on a call after 4 s anyway.
        timeout: Duration.seconds(10),
        environment: {
          [ENV.prefix]: INDEX_PREFIX,
          ARCHIVE_PARTITION_INDEX: String(i),
          ARCHIVE_PARTITION_COUNT: String(count),
        },
      }).bindBucket(storage.indexBucket, ENV.bucket, INDEX_PREFIX, 'read'),
    );
    if (functions.length > 0) {
      search.addEnvironment(
        'ARCHIVE_PARTITION_FUNCTIONS',
        Fn.join(
          ',',
          functions.map((fn) => fn.functionName),
        ),
      );
      // Not grantInvoke: it also grants `<arn>:*` (every version and alias), a wildcard nothing needs.
      search.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: functions.map((fn) => fn.functionArn),
        }),
      );
    }
    return functions;
  }
}

/** cdk-nag findings every function of this stack shares, each with its reason. */
function acknowledgeFunctionFindings(fn: ArchiveFunction): void {
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is a supported LTS Lambda runtime. It is pinned on purpose: the esbuild target, the ' +
      'runtime-provided AWS SDK v3 the bundles rely on, and the bundled-handler tests all assume it; ' +
      'moving to a newer runtime is a deliberate, tested change rather than an implicit one.',
  });
}
