// Key schemas come from the store (the repository and key store that read and write these tables),
// so the deployed tables cannot drift from what the code queries.
import {
  ALERT_TABLE_SCHEMA,
  ARTICLE_TABLE_SCHEMA,
  KEYS_TABLE_SCHEMA,
  STORY_TABLE_SCHEMA,
} from '@archive/store';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * What every table of the archive shares: on-demand billing, point-in-time recovery, kept on stack
 * deletion and protected from it (none of them can be rebuilt from the others).
 *
 * Encryption: the AWS-managed key (aws/dynamodb) rather than the default AWS-owned key, so every
 * use of the key shows up in CloudTrail, at no key cost and with no key policy to get wrong. A
 * customer-managed key would only add value for cross-account control or crypto-shredding, neither
 * of which applies to an archive of published news ($1/month per key plus per-request charges).
 */
const KEPT_TABLE = {
  billingMode: BillingMode.PAY_PER_REQUEST,
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  encryption: TableEncryption.AWS_MANAGED,
  removalPolicy: RemovalPolicy.RETAIN,
  deletionProtection: true,
} as const;

export interface ArchiveStorageProps {
  /** Days a superseded object version (a pruned snapshot, an old manifest) is kept before it expires. */
  readonly noncurrentVersionDays: number;
}

/**
 * The stateful part of the service: the article table (source of truth, with the change stream that
 * feeds the indexer and the alert matcher), the ingest-key, story and alert tables, and the bucket of
 * index snapshots. All are RETAINed when the stack is deleted: losing them is losing the archive.
 */
export class ArchiveStorage extends Construct {
  readonly articles: Table;
  readonly keys: Table;
  /** LSH band keys and story membership (packages/store/src/story-store.ts). */
  readonly stories: Table;
  /** Standing searches and their delivery outcomes (packages/store/src/alert-store.ts). */
  readonly alerts: Table;
  readonly indexBucket: Bucket;
  readonly accessLogBucket: Bucket;

  constructor(scope: Construct, id: string, props: ArchiveStorageProps) {
    super(scope, id);

    this.articles = new Table(this, 'Articles', {
      partitionKey: { name: ARTICLE_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      ...KEPT_TABLE,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    const { dateIndex } = ARTICLE_TABLE_SCHEMA;
    this.articles.addGlobalSecondaryIndex({
      indexName: dateIndex.name,
      partitionKey: { name: dateIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: dateIndex.sortKey, type: AttributeType.STRING },
    });

    this.keys = new Table(this, 'IngestKeys', {
      partitionKey: { name: KEYS_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      ...KEPT_TABLE,
    });

    // Written with the articles at ingest; not rebuildable from the article table without replaying
    // every article in order, so it is kept like the articles.
    this.stories = new Table(this, 'Stories', {
      partitionKey: { name: STORY_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      sortKey: { name: STORY_TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
      ...KEPT_TABLE,
    });

    // Subscribers' configuration (queries, webhooks, signing secrets): not derivable from anything
    // else, so kept like the rest. No stream: nothing reacts to alert changes.
    this.alerts = new Table(this, 'Alerts', {
      partitionKey: { name: ALERT_TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
      ...KEPT_TABLE,
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
      // No age-based expiry of CURRENT objects: a live segment may be months old in a quiet archive
      // and must never expire. Unreferenced segments and states are deleted by the indexer itself
      // (segments/garbage.ts: not referenced by the last 5 publications, and past a grace period);
      // in this versioned bucket a delete only makes the version noncurrent, and this rule removes
      // noncurrent versions (collected blobs, superseded manifests) after a grace period that leaves
      // time to restore a blob collected by mistake.
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
