import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStore } from '@archive/core';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './aws-sdk-on-demand';
import { FsBlobStore } from './blob-store-fs';
import { S3BlobStore } from './blob-store-s3';

export interface IndexBlobStoreConfig {
  /**
   * `ARCHIVE_INDEX_BUCKET`: an S3 bucket name, or a `file:///absolute/dir` URL selecting a local
   * directory (the bundled-handler tests and benchmarks run the Lambda entries this way).
   */
  bucket: string;
  /** `ARCHIVE_INDEX_PREFIX`, e.g. `index/`: key prefix in the bucket, sub-directory locally. */
  prefix: string;
  /** `S3_ENDPOINT`: an S3-compatible endpoint (MinIO, LocalStack); unset on AWS. */
  s3Endpoint?: string;
  /** An existing client to reuse instead of creating one (ignored for `file://`). */
  s3Client?: S3Client;
}

/**
 * The blob store of the index snapshots, chosen by the bucket setting: an {@link FsBlobStore} for
 * a `file://` URL, else an {@link S3BlobStore}. One selection shared by every function that reads or
 * writes snapshots, so they cannot disagree on where the index lives.
 */
export function indexBlobStore(config: IndexBlobStoreConfig): BlobStore {
  if (config.bucket.startsWith('file:')) {
    return new FsBlobStore(join(fileURLToPath(config.bucket), config.prefix));
  }
  const client = config.s3Client ?? indexS3Client(config.s3Endpoint);
  return new S3BlobStore({ client, bucket: config.bucket, prefix: config.prefix });
}

/** The S3 client for the index bucket: AWS's endpoint, or an S3-compatible one (path-style). */
export function indexS3Client(s3Endpoint?: string): S3Client {
  const { S3Client } = s3Sdk();
  return new S3Client({
    // The S3 client sets no timeout of its own: a stalled answer held an indexer run until its
    // Lambda timeout, and every later refresh of a search instance waited on the one stuck check.
    // `requestTimeout` is the socket's idle time, so a large segment still downloads at any length;
    // a stalled attempt becomes one of the SDK's retries.
    requestHandler: { connectionTimeout: 2000, requestTimeout: 15_000 },
    ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
  });
}
