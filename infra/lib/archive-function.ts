import path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct, IConstruct } from 'constructs';
import { entryPath, type FunctionName, nodejsBundlingOptions, PROJECT_ROOT } from './bundling';

export interface ArchiveFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'role'> {
  /** Which `functions/<name>.ts` entry to deploy. */
  readonly function: FunctionName;
  /** Retention of the function's own log group. */
  readonly logRetention: RetentionDays;
  /** DESTROY for throw-away stages, RETAIN for production. */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * What a function may do with a table's items. Each capability is an explicit list of actions: the
 * CDK's `grantReadWriteData` would also give DeleteItem and BatchWriteItem, which no function here
 * needs (a takedown is an UpdateItem tombstone, and the indexer learns about it from the stream).
 */
export const TABLE_CAPABILITIES = {
  /** Point reads of items by key. */
  get: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
  /** Queries on the table and its indexes (the `byPublished` listing). */
  query: ['dynamodb:Query'],
  /** Queries on the table's own keys only (no index). */
  queryTable: ['dynamodb:Query'],
  /** Create and update items, including conditional (optimistic-locking) writes. Never delete. */
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  /** Unconditional batched puts (the story table's band and membership items). Never delete. */
  batchPut: ['dynamodb:BatchWriteItem'],
  /** New items only (conditional puts), no updates: alerts are created whole. */
  put: ['dynamodb:PutItem'],
  /** Updates of existing items only: an alert's delivery outcomes. */
  update: ['dynamodb:UpdateItem'],
  /** Reading a whole (small) table: the alert table, at most 10,000 items. */
  scan: ['dynamodb:Scan'],
  /** Deleting items by key: only alerts are ever deleted (articles are tombstoned). */
  delete: ['dynamodb:DeleteItem'],
} as const;

export type TableCapability = keyof typeof TABLE_CAPABILITIES;

/** What a function may do with the objects under a bucket prefix. */
export type BucketAccess = 'read' | 'read-write';

export interface BindBucketOptions {
  /**
   * Also allow `s3:DeleteObject`, limited to keys under these prefixes (which must lie inside the
   * bound prefix): the indexer collects unreferenced segments and states (and whole snapshots of
   * earlier builds) but must never be able to delete the manifest.
   */
  readonly deleteUnder?: readonly string[];
}

/**
 * A Lambda function of this project with the defaults fixed once: Node.js 22 on ARM64 (Graviton: ~20%
 * cheaper per GB-s than x86), ESM bundle built by the LOCAL esbuild (never Docker, see `bundling.ts`),
 * source maps on, its own log group with a retention, and JSON structured logs.
 */
export class ArchiveFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ArchiveFunctionProps) {
    const { function: name, logRetention, logRemovalPolicy, environment, ...rest } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention,
      removalPolicy: logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // An own role instead of the default one with the AWSLambdaBasicExecutionRole managed policy
    // (logs on every log group of the account): this one may write only to the function's log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the archive ${name} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      timeout: Duration.seconds(10),
      memorySize: 512,
      ...rest,
      entry: entryPath(name),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      bundling: nodejsBundlingOptions(),
      logGroup,
      role,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        // Stack traces point at the TypeScript sources instead of minified bundle columns.
        NODE_OPTIONS: '--enable-source-maps',
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: `archive-${name}`,
        ...environment,
      },
    });
  }

  /**
   * Acknowledges a cdk-nag finding on this function's execution role (the role is created next to the
   * function, not inside it, so acknowledgements on the function would not reach its policy).
   */
  acknowledgeOnRole(id: string, reason: string): void {
    if (!this.role) throw new Error(`${this.node.path} has no role`);
    Validations.of(this.role).acknowledge({ id, reason });
  }

  /**
   * Grants the given capabilities on a table (and its indexes) and publishes its name in `envName`.
   *
   * @param table the table
   * @param envName environment variable that receives the table name
   * @param capabilities what the function may do (see `TABLE_CAPABILITIES`)
   */
  bindTable(table: ITable, envName: string, ...capabilities: TableCapability[]): this {
    this.addEnvironment(envName, table.tableName);
    const actions = [...new Set(capabilities.flatMap((c) => TABLE_CAPABILITIES[c]))];
    const resources = [table.tableArn];
    if (capabilities.includes('query')) resources.push(`${table.tableArn}/index/*`);
    this.addToRolePolicy(new PolicyStatement({ actions, resources }));
    return this;
  }

  /**
   * Grants access to the objects under `prefix` in a bucket and publishes the bucket name in
   * `envName`. Explicit actions, never `s3:*` or `s3:GetObject*`: ListBucket (limited to the prefix,
   * so a missing snapshot pointer reads as 404 instead of 403), GetObject, for writers PutObject
   * (which also covers S3 conditional writes, the compare-and-swap of the snapshot pointer), and
   * DeleteObject only under `options.deleteUnder`. DeleteObject on a versioned bucket only hides
   * the current version; DeleteObjectVersion, which would destroy data, is never granted.
   */
  bindBucket(
    bucket: IBucket,
    envName: string,
    prefix: string,
    access: BucketAccess,
    options: BindBucketOptions = {},
  ): this {
    this.addEnvironment(envName, bucket.bucketName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
    const objectActions = access === 'read-write' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'];
    this.addToRolePolicy(
      new PolicyStatement({ actions: objectActions, resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    this.acknowledgeOnRole(
      `AwsSolutions-IAM5[Resource::${nagArn(bucket.bucketArn, this)}/${prefix}*]`,
      `Object actions (${objectActions.join(', ')}) are limited to the "${prefix}" prefix of the index ` +
        'bucket, which holds nothing but index snapshots and their pointer; snapshot keys are generated ' +
        'per version, so they cannot be listed individually in a policy.',
    );
    const deleteUnder = options.deleteUnder ?? [];
    for (const under of deleteUnder) {
      if (!under.startsWith(prefix) || under === prefix) {
        throw new Error(`deleteUnder "${under}" must be a sub-prefix of "${prefix}"`);
      }
    }
    if (deleteUnder.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:DeleteObject'],
          resources: deleteUnder.map((under) => bucket.arnForObjects(`${under}*`)),
        }),
      );
    }
    for (const under of deleteUnder) {
      this.acknowledgeOnRole(
        `AwsSolutions-IAM5[Resource::${nagArn(bucket.bucketArn, this)}/${under}*]`,
        `s3:DeleteObject is limited to "${under}", immutable index blobs the indexer collects once no ` +
          'kept publication references them and a grace period has passed; the manifest lies outside it. ' +
          'The bucket is versioned and no role may delete object versions, so a deleted blob stays ' +
          'restorable until the noncurrent-version lifecycle rule expires it.',
      );
    }
    return this;
  }
}

/** How cdk-nag prints a resource ARN in finding ids: `<LogicalId.Arn>` for a `Fn::GetAtt`. */
function nagArn(arn: string, scope: IConstruct): string {
  const resolved = Stack.of(scope).resolve(arn) as unknown;
  const getAtt = (resolved as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  return getAtt ? `<${getAtt[0]}.${getAtt[1]}>` : String(resolved);
}
