// Over 400 lines: one assertion suite over the one synthesised stack (resources, IAM, alarms,
// cdk-nag), sharing a single synth in beforeAll; splitting it would synthesise the stack again.
import { ARTICLE_TABLE_SCHEMA } from '@archive/store';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  configVariables,
  LOCAL_ONLY_VARIABLES,
  RUNTIME_VARIABLES,
  readFunctionConfig,
  requiredVariables,
} from '../functions/config';
import { FUNCTION_ENTRIES, type FunctionName, type SingletonFunctionName } from './lib/bundling';
import { DEFAULT_SETTINGS, settingsFromContext } from './lib/config';
import { logicalId, roleStatements, type Synthesised, synthesise } from './test-support';

/**
 * Assertions on the synthesised template, and cdk-nag. The app is synthesised once for the whole file
 * (with real esbuild bundling: it takes well under a second for all five functions).
 */
let s: Synthesised;
beforeAll(() => {
  s = synthesise();
}, 240_000); // generous: two shared cores under load take minutes, an idle laptop ~10 s

// The functions of the default layout (no partition functions: K = 0, see partition-stack.test.ts).
const names = (Object.keys(FUNCTION_ENTRIES) as FunctionName[]).filter(
  (fn): fn is SingletonFunctionName => fn !== 'partition',
);
const resourcesOfType = (type: string) => s.template.findResources(type);
const functionProps = (fn: SingletonFunctionName) =>
  s.template.toJSON().Resources[logicalId(s, s.stack.functions[fn])].Properties;

describe('storage', () => {
  it('article table: pk id, on-demand, PITR, KMS (AWS-managed) encryption, stream with both images', () => {
    // The date index the store queries, by the store's own names (a drift is an error on AWS only).
    const { dateIndex } = ARTICLE_TABLE_SCHEMA;
    expect(dateIndex).toEqual({
      name: 'byPublishedMonth',
      partitionKey: 'publishedMonth',
      sortKey: 'publishedSort',
    });
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        GlobalSecondaryIndexes: [
          {
            IndexName: dateIndex.name,
            KeySchema: [
              { AttributeName: dateIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: dateIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'publishedMonth', AttributeType: 'S' },
          { AttributeName: 'publishedSort', AttributeType: 'S' },
        ]),
      },
    });
  });

  it('keys table: pk keyHash, on-demand, PITR, encrypted, no stream', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'keyHash', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'keyHash', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        StreamSpecification: Match.absent(),
      },
    });
    // Articles, keys, stories, alerts.
    s.template.resourceCountIs('AWS::DynamoDB::Table', 4);
  });

  it('alert table: pk id, on-demand, PITR, encrypted, retained, no stream', () => {
    const table = s.template.toJSON().Resources[logicalId(s, s.stack.storage.alerts)];
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
    expect(table.Properties.StreamSpecification).toBeUndefined();
  });

  it('snapshot bucket: private, versioned, encrypted, access-logged, expires noncurrent versions only', () => {
    const bucketId = logicalId(s, s.stack.storage.indexBucket);
    const logBucketId = logicalId(s, s.stack.storage.accessLogBucket);
    s.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId } },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-noncurrent-versions',
              NoncurrentVersionExpiration: { NoncurrentDays: DEFAULT_SETTINGS.noncurrentVersionDays },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
              ExpiredObjectDeleteMarker: true,
              Status: 'Enabled',
            },
          ],
        },
      },
    });
    // The live snapshot may be arbitrarily old: no rule may expire CURRENT objects of the index bucket.
    const indexBucket = s.template.toJSON().Resources[bucketId];
    for (const rule of indexBucket.Properties.LifecycleConfiguration.Rules) {
      expect(rule.ExpirationInDays).toBeUndefined();
      expect(rule.ExpirationDate).toBeUndefined();
      expect(rule.Transitions).toBeUndefined();
    }
    // enforceSSL on both buckets: a Deny for aws:SecureTransport=false.
    for (const id of [bucketId, logBucketId]) {
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('functions', () => {
  it.each(names)(
    '%s: Node.js 22 on arm64, ESM bundle, source maps, JSON logs into its own log group',
    (fn) => {
      const props = functionProps(fn);
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
      const logGroupId = props.LoggingConfig.LogGroup.Ref;
      expect(s.template.toJSON().Resources[logGroupId]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
      });
    },
  );

  it('search memory comes from settings (default 1769 MB = 1 vCPU)', () => {
    expect(functionProps('search').MemorySize).toBe(1769);
  });

  // A variable the entry requires but the stack does not set is a crash at every cold start; one the
  // stack sets but no code reads is dead configuration (or a typo of a name that then falls back).
  it.each(names)('%s gets exactly the environment its config schema reads, and it parses', (fn) => {
    const variables: Record<string, unknown> = functionProps(fn).Environment.Variables;
    const own = Object.keys(variables).filter((k) => !RUNTIME_VARIABLES.includes(k));
    const readable = configVariables(fn).filter((k) => !LOCAL_ONLY_VARIABLES.includes(k));
    const required = requiredVariables(fn);
    expect(
      own.filter((k) => !readable.includes(k)),
      'set but never read',
    ).toEqual([]);
    expect(
      required.filter((k) => !own.includes(k)),
      'required but not set',
    ).toEqual([]);
    // Tokens (table and bucket names) resolve at deploy time; any non-empty name stands in for them.
    const standIn = (k: string) =>
      k.endsWith('_URL')
        ? `https://sqs.us-east-1.amazonaws.com/123456789012/deploy-time-${k}`
        : `deploy-time-${k}`;
    const resolved = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : standIn(k)]),
    );
    expect(() => readFunctionConfig(fn, resolved)).not.toThrow();
  });

  it('binds the expected names: table for ingest/articles, keys table for the authorizer, bucket for search/indexer', () => {
    const own = (fn: SingletonFunctionName) =>
      Object.keys(functionProps(fn).Environment.Variables)
        .filter((k) => !RUNTIME_VARIABLES.includes(k))
        .sort();
    expect(own('ingest')).toEqual([
      'ARCHIVE_ALERT_TABLE_NAME',
      'ARCHIVE_STORY_TABLE_NAME',
      'ARCHIVE_TABLE_NAME',
    ]);
    expect(own('articles')).toEqual(['ARCHIVE_STORY_TABLE_NAME', 'ARCHIVE_TABLE_NAME']);
    expect(own('search')).toEqual([
      'ARCHIVE_INDEX_BUCKET',
      'ARCHIVE_INDEX_PREFIX',
      'ARCHIVE_STORY_TABLE_NAME',
      'ARCHIVE_TABLE_NAME',
    ]);
    expect(own('alertMatcher')).toEqual(['ARCHIVE_ALERT_QUEUE_URL', 'ARCHIVE_ALERT_TABLE_NAME']);
    expect(own('alertDelivery')).toEqual([
      'ARCHIVE_ALERT_MAX_ATTEMPTS',
      'ARCHIVE_ALERT_QUEUE_URL',
      'ARCHIVE_ALERT_TABLE_NAME',
    ]);
    expect(own('indexer')).toEqual(['ARCHIVE_INDEX_BUCKET', 'ARCHIVE_INDEX_PREFIX']);
    expect(own('authorizer')).toEqual(['ARCHIVE_KEYS_TABLE_NAME']);
    expect(functionProps('authorizer').Environment.Variables.ARCHIVE_KEYS_TABLE_NAME).toEqual({
      Ref: logicalId(s, s.stack.storage.keys),
    });
    expect(functionProps('search').Environment.Variables.ARCHIVE_INDEX_BUCKET).toEqual({
      Ref: logicalId(s, s.stack.storage.indexBucket),
    });
  });

  it('indexer is the single writer of the snapshot pointer (reserved concurrency 1)', () => {
    expect(functionProps('indexer').ReservedConcurrentExecutions).toBe(1);
  });
});

describe('indexer stream mapping', () => {
  it('has the documented batching, failure handling and starting position', () => {
    // The indexer's, the alert matcher's (alerts below) and the delivery queue's.
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    const mapping = Object.values(resourcesOfType('AWS::Lambda::EventSourceMapping')).find(
      (m) => m.Properties.FunctionName.Ref === logicalId(s, s.stack.functions.indexer),
    );
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(s, s.stack.storage.articles), 'StreamArn'] },
      FunctionName: { Ref: logicalId(s, s.stack.functions.indexer) },
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(s, s.stack.deadLetters), 'Arn'] } },
      },
    });
    expect(mapping?.Properties.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(mapping?.Properties.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
  });

  it('dead-letter queue is encrypted and SSL-only', () => {
    const queueId = logicalId(s, s.stack.deadLetters);
    s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('HTTP API', () => {
  it('has exactly the API routes, and no catch-all', () => {
    const routeKeys = Object.values(resourcesOfType('AWS::ApiGatewayV2::Route'))
      .map((r) => r.Properties.RouteKey)
      .sort();
    expect(routeKeys).toEqual(
      [
        'DELETE /articles/{id}',
        'GET /articles/{id}',
        'GET /articles/{id}/similar',
        'GET /stories/{id}',
        'GET /story/{id}',
        'POST /alerts',
        'GET /alerts',
        'GET /alerts/{id}',
        'DELETE /alerts/{id}',
        'GET /health',
        'GET /search',
        'GET /suggest',
        'GET /feed.atom',
        'GET /feed.rss',
        'GET /feed.json',
        'GET /export',
        'GET /',
        'GET /read/{id}',
        'GET /assets/{file}',
        'GET /openapi.json',
        'GET /docs',
        'POST /dispatches',
      ].sort(),
    );
  });

  it('write routes use the key authorizer, alert routes their own; read routes are public', () => {
    const authorizers = resourcesOfType('AWS::ApiGatewayV2::Authorizer');
    const authorizerNamed = (name: string) =>
      Object.keys(authorizers).find((id) => authorizers[id]?.Properties.Name === name);
    const ingestAuthorizer = authorizerNamed('ingest-key');
    const alertsAuthorizer = authorizerNamed('alerts-key');
    expect(ingestAuthorizer).toBeDefined();
    expect(alertsAuthorizer).toBeDefined();
    // Both run the one authorizer function; apart, a decision cached for an alerts-only key on
    // /alerts can never let it through to POST /dispatches (the cache is per header and authorizer).
    const uris = Object.values(authorizers).map((a) => JSON.stringify(a.Properties.AuthorizerUri));
    expect(new Set(uris).size).toBe(1);
    for (const route of Object.values(resourcesOfType('AWS::ApiGatewayV2::Route'))) {
      const key: string = route.Properties.RouteKey;
      if (key === 'POST /dispatches' || key === 'DELETE /articles/{id}') {
        expect(route.Properties).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: ingestAuthorizer },
        });
      } else if (key.includes(' /alerts')) {
        expect(route.Properties, key).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: alertsAuthorizer },
        });
      } else {
        expect(route.Properties.AuthorizationType ?? 'NONE', key).toBe('NONE');
      }
    }
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: DEFAULT_SETTINGS.authorizerCacheSeconds,
    });
  });

  it('routes reach the right function', () => {
    const integrations = resourcesOfType('AWS::ApiGatewayV2::Integration');
    const target = (routeKey: string) => {
      const route = Object.values(resourcesOfType('AWS::ApiGatewayV2::Route')).find(
        (r) => r.Properties.RouteKey === routeKey,
      );
      const integrationId = route?.Properties.Target['Fn::Join'][1][1].Ref;
      return integrations[integrationId]?.Properties.IntegrationUri['Fn::GetAtt'][0];
    };
    const id = (fn: SingletonFunctionName) => logicalId(s, s.stack.functions[fn]);
    for (const key of [
      'POST /dispatches',
      'POST /alerts',
      'GET /alerts',
      'GET /alerts/{id}',
      'DELETE /alerts/{id}',
    ])
      expect(target(key)).toBe(id('ingest'));
    for (const key of [
      'GET /search',
      'GET /articles/{id}/similar',
      'GET /suggest',
      'GET /health',
      'GET /feed.atom',
      'GET /export',
      'GET /',
      'GET /read/{id}',
      'GET /story/{id}',
      'GET /assets/{file}',
    ])
      expect(target(key)).toBe(id('search'));
    for (const key of ['GET /articles/{id}', 'DELETE /articles/{id}', 'GET /stories/{id}'])
      expect(target(key)).toBe(id('articles'));
  });

  it('$default stage: throttled, access-logged, auto-deployed; CORS for GET only', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_SETTINGS.apiRateLimit,
        ThrottlingBurstLimit: DEFAULT_SETTINGS.apiBurstLimit,
      },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(s, s.stack.api.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: { AllowMethods: ['GET', 'HEAD'], AllowOrigins: ['*'] },
    });
  });
});

describe('alarms and outputs', () => {
  it('alarms on indexer errors, iterator age, both dead-letter queues, API 5xx, search p99 and failed index refreshes', () => {
    const alarms = Object.values(resourcesOfType('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(byMetric('Errors')[0]?.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: logicalId(s, s.stack.functions.indexer) } },
    ]);
    expect(byMetric('IteratorAge')).toHaveLength(1);
    expect(
      byMetric('ApproximateNumberOfMessagesVisible').map((a) => a.Dimensions[0].Value['Fn::GetAtt'][0]),
    ).toEqual([logicalId(s, s.stack.deadLetters), logicalId(s, s.stack.alerts.deadLetters)]);
    expect(byMetric('5xx')[0]).toMatchObject({ Namespace: 'AWS/ApiGateway' });
    expect(byMetric('Duration')[0]).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: DEFAULT_SETTINGS.searchP99AlarmMs,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(s, s.stack.functions.search) } }],
    });
    expect(byMetric('IndexRefreshFailures')[0]).toMatchObject({ Namespace: 'Archive', Threshold: 3 });
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('counts the search function’s failed index refreshes from its log group', () => {
    const filters = Object.values(resourcesOfType('AWS::Logs::MetricFilter')).map((f) => f.Properties);
    expect(filters).toHaveLength(1);
    expect(filters[0]).toMatchObject({
      LogGroupName: { Ref: logicalId(s, s.stack.functions.search.logGroup) },
      MetricTransformations: [
        { MetricNamespace: 'Archive', MetricName: 'IndexRefreshFailures', MetricValue: '1' },
      ],
    });
    expect(filters[0].FilterPattern).toContain('index refresh failed');
  });

  it('outputs the API URL, bucket and table names', () => {
    const outputs = s.template.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'IndexBucketName', 'ArticleTableName', 'KeysTableName']),
    );
    expect(outputs.IndexBucketName.Value).toEqual({ Ref: logicalId(s, s.stack.storage.indexBucket) });
  });
});

describe('least privilege', () => {
  const writeItem = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|\*)/;
  const deleteItem = /^dynamodb:(DeleteItem|BatchWriteItem|PartiQLDelete|\*)$/;
  const bucketWrite = /^s3:(Put|Delete|Abort|Restore|\*)/;
  const actionsOf = (fn: SingletonFunctionName) =>
    roleStatements(s, fn).statements.flatMap((st) => st.actions);

  it('no role uses managed policies, wildcard actions, or Resource "*" on data', () => {
    for (const fn of names) {
      const { statements, managedPolicies } = roleStatements(s, fn);
      expect(managedPolicies, fn).toEqual([]);
      for (const st of statements) {
        expect(st.effect).toBe('Allow');
        for (const action of st.actions) expect(action, `${fn}: ${action}`).not.toContain('*');
        // dynamodb:ListStreams cannot be scoped (no resource-level permissions); it reads no data.
        if (st.resources.includes('*')) expect(st.actions, fn).toEqual(['dynamodb:ListStreams']);
      }
    }
  });

  it('search cannot write the table or the bucket (it gets articles, and queries stories for the story page)', () => {
    const actions = actionsOf('search');
    expect(actions.filter((a) => writeItem.test(a) || bucketWrite.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    const storiesArn = { 'Fn::GetAtt': [logicalId(s, s.stack.storage.stories), 'Arn'] };
    const queries = roleStatements(s, 'search').statements.filter((st) =>
      st.actions.includes('dynamodb:Query'),
    );
    // The story table's own keys only: no index, no other table.
    expect(queries.map((st) => st.resources)).toEqual([[storiesArn]]);
    expect(actions).toContain('s3:GetObject');
  });

  it('ingest cannot read the bucket or delete articles; batched puts only on the story table', () => {
    const actions = actionsOf('ingest');
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    const articlesArn = { 'Fn::GetAtt': [logicalId(s, s.stack.storage.articles), 'Arn'] };
    const storiesArn = { 'Fn::GetAtt': [logicalId(s, s.stack.storage.stories), 'Arn'] };
    const statements = roleStatements(s, 'ingest').statements;
    for (const st of statements.filter((st) =>
      st.resources.some((r) => JSON.stringify(r) === JSON.stringify(articlesArn)),
    )) {
      expect(st.actions.filter((a) => deleteItem.test(a))).toEqual([]);
    }
    // BatchWriteItem cannot be limited to puts by IAM; it reaches the story table (derived band and
    // membership items) and nothing else.
    const batch = statements.filter((st) => st.actions.includes('dynamodb:BatchWriteItem'));
    expect(batch.map((st) => st.resources)).toEqual([[storiesArn]]);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem']),
    );
  });

  it('articles reads and updates (tombstones) but cannot delete items or touch the bucket', () => {
    const actions = actionsOf('articles');
    expect(actions.filter((a) => deleteItem.test(a) || a.startsWith('s3:'))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
  });

  it('authorizer only reads the keys table', () => {
    const keysArn = { 'Fn::GetAtt': [logicalId(s, s.stack.storage.keys), 'Arn'] };
    const data = roleStatements(s, 'authorizer').statements.filter(
      (st) => !st.actions[0]?.startsWith('logs:'),
    );
    expect(data).toEqual([
      { effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], resources: [keysArn] },
    ]);
  });

  it('indexer reads the stream and reads/writes the snapshot prefix, nothing else on the table', () => {
    const actions = actionsOf('indexer');
    expect(actions.filter((a) => writeItem.test(a) || /^dynamodb:(GetItem|Query|Scan)$/.test(a))).toEqual([]);
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        's3:GetObject',
        's3:PutObject',
      ]),
    );
    // It collects old segments, states and snapshots: DeleteObject under those prefixes only, never
    // the manifest, and never DeleteObjectVersion (which would bypass versioning and destroy data).
    const bucketArn = { 'Fn::GetAtt': [logicalId(s, s.stack.storage.indexBucket), 'Arn'] };
    const deletes = roleStatements(s, 'indexer').statements.filter((st) =>
      st.actions.some((a) => a.startsWith('s3:Delete')),
    );
    expect(deletes).toEqual([
      {
        effect: 'Allow',
        actions: ['s3:DeleteObject'],
        resources: ['segments', 'states', 'snapshots'].map((under) => ({
          'Fn::Join': ['', [bucketArn, `/index/${under}/*`]],
        })),
      },
    ]);
  });

  it('only the indexer may delete objects, and no role may delete object versions', () => {
    for (const fn of names) {
      const actions = actionsOf(fn);
      expect(actions.filter((a) => /^s3:DeleteObjectVersion/.test(a))).toEqual([]);
      if (fn !== 'indexer')
        expect(
          actions.filter((a) => a.startsWith('s3:Delete')),
          fn,
        ).toEqual([]);
    }
  });
});

describe('settings from context', () => {
  it('applies defaults and validates overrides', () => {
    expect(settingsFromContext(new App().node)).toEqual(DEFAULT_SETTINGS);
    const custom = settingsFromContext(
      new App({ context: { stage: 'prod', searchMemoryMb: '3008', apiRateLimit: 50, apiBurstLimit: 80 } })
        .node,
    );
    expect(custom).toMatchObject({
      stage: 'prod',
      searchMemoryMb: 3008,
      apiRateLimit: 50,
      apiBurstLimit: 80,
    });
    expect(() => settingsFromContext(new App({ context: { searchMemoryMb: 'lots' } }).node)).toThrow(
      /searchMemoryMb/,
    );
    expect(() => settingsFromContext(new App({ context: { stage: 'Prod Stage' } }).node)).toThrow(/stage/);
    // The removed age-based snapshot expiry is refused, not silently ignored.
    expect(() => settingsFromContext(new App({ context: { snapshotRetentionDays: 3 } }).node)).toThrow(
      /noncurrentVersionDays/,
    );
  });
});

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Every `Validations.of(x).acknowledge()` recorded anywhere in the app. */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** The findings cdk-nag would report if nothing were acknowledged. */
function rawFindings(synth: Synthesised): { rule: string; path: string }[] {
  const unacknowledged = new AwsSolutionsChecks(synth.app);
  // Test-only: see through acknowledgements to check that each one still matches a real finding.
  (unacknowledged as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return unacknowledged.validateScope(synth.app).violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      path: r.constructPath ?? r.resourceLogicalId ?? '?',
    })),
  );
}

describe('cdk-nag AwsSolutionsChecks', () => {
  it('reports no unacknowledged finding', () => {
    const report = s.nag.validateScope(s.app);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });

  it('leaves no unacknowledged error or warning annotation', () => {
    const annotations = Annotations.fromStack(s.stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('every acknowledgement matches a real finding and gives a reviewer-grade reason', () => {
    const acks = acknowledgements(s.app).filter((a) => a.id.startsWith('AwsSolutions-'));
    const findings = rawFindings(s);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      const matched = findings.some(
        (f) => f.rule === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
      );
      expect(matched, `stale acknowledgement ${ack.id} on ${ack.path}`).toBe(true);
      expect(ack.reason.length, `${ack.id} on ${ack.path}: reason too thin`).toBeGreaterThanOrEqual(120);
    }
    // And the converse: every raw finding is covered by an acknowledgement on it or an ancestor.
    for (const f of findings) {
      const covered = acks.some(
        (a) => a.id === f.rule && (f.path === a.path || f.path.startsWith(`${a.path}/`)),
      );
      expect(covered, `${f.rule} on ${f.path}`).toBe(true);
    }
  });
});
