import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INDEX_PREFIX } from './config';

/** Names shared with `packages/store` (the DynamoDB repository and key store): keep them identical. */
export const ARTICLE_TABLE_SCHEMA = {
  partitionKey: 'id',
  publishedIndex: 'byPublished',
  /** `YYYY-MM` of `publishedAt` (UTC). */
  publishedPartitionKey: 'publishedMonth',
  /** `publishedAt#id`, so one month lists in publication order with a stable tiebreak. */
  publishedSortKey: 'publishedKey',
} as const;

export const KEYS_TABLE_SCHEMA = {
  /** Hex SHA-256 of the key; the key itself is never stored. Items: `name`, `createdAt`, `revokedAt?`. */
  partitionKey: 'keyHash',
} as const;

export interface ArchiveStorageProps {
  /** Objects under `index/snapshots/` older than this many days expire. */
  readonly snapshotRetentionDays: number;
}

/**
 * The stateful part of the service: the article table (source of truth, with the change stream that
 * feeds the indexer), the ingest-key table, and the bucket of index snapshots. All three are RETAINed
 * when the stack is deleted: losing them is losing the archive.
 */
export class ArchiveStorage extends Construct {
  readonly articles: Table;
  readonly keys: Table;
  readonly indexBucket: Bucket;
  readonly accessLogBucket: Bucket;

  constructor(scope: Construct, id: string, props: ArchiveStorageProps) {
    super(scope, id);

    // Encryption: the AWS-managed key (aws/dynamodb) rather than the default AWS-owned key, so every
    // use of the key shows up in CloudTrail, at no key cost and with no key policy to get wrong. A
    // customer-managed key would only add value for cross-account control or crypto-shredding, neither
    // of which applies to an archive of published news ($1/month per key plus per-request charges).
    this.articles = new Table(this, 'Articles', {
      partitionKey: { name: ARTICLE_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    this.articles.addGlobalSecondaryIndex({
      indexName: ARTICLE_TABLE_SCHEMA.publishedIndex,
      partitionKey: { name: ARTICLE_TABLE_SCHEMA.publishedPartitionKey, type: AttributeType.STRING },
      sortKey: { name: ARTICLE_TABLE_SCHEMA.publishedSortKey, type: AttributeType.STRING },
    });

    this.keys = new Table(this, 'IngestKeys', {
      partitionKey: { name: KEYS_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });

    this.accessLogBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // The S3 log delivery service writes with bucket-owner-enforced ownership (no ACLs needed).
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No access logs for the access-log bucket itself: cdk-nag (S1) accepts a bucket that is the
    // log target, and logging it into itself would be a feedback loop.

    // SSE-S3 rather than SSE-KMS: snapshots hold only published article text, readers must stay fast
    // and cheap (no per-GET KMS request, no KMS grants on every role), and S3 encrypts at rest anyway.
    this.indexBucket = new Bucket(this, 'IndexSnapshots', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioning protects the pointer object: a bad publish can be rolled back to its previous version.
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'index-bucket/',
      lifecycleRules: [
        {
          // Backstop against unbounded growth (every indexer run writes a full snapshot). CAUTION: an
          // archive with no writes for this many days would see its CURRENT snapshot expire too; the
          // indexer must republish (or re-copy) the live snapshot before then. See docs/DEPLOY.md.
          id: 'expire-old-snapshots',
          prefix: `${INDEX_PREFIX}snapshots/`,
          expiration: Duration.days(props.snapshotRetentionDays),
        },
        {
          // Every pointer swap leaves a noncurrent version; keep a week of them for rollback.
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
