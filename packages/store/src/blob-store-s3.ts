import type { BlobStore, VersionedBlob } from '@archive/core';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from './aws-sdk-on-demand';

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Prepended to every key, e.g. `index/` (ARCHIVE_INDEX_PREFIX). */
  prefix?: string;
}

/**
 * A blob store in an S3 bucket. Compare-and-swap uses S3 conditional writes: `If-Match: <etag>`
 * to replace, `If-None-Match: *` to create; S3 answers 412 when the condition fails and 409 when
 * a concurrent conditional write to the same key won the race, both reported as a conflict.
 * The freshness check is a conditional GET (`If-None-Match`), answered 304 without a body.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3BlobStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
  }

  async get(key: string): Promise<Uint8Array | null> {
    return (await this.read(key))?.bytes ?? null;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(
      new (s3Sdk().PutObjectCommand)({ Bucket: this.bucket, Key: this.prefix + key, Body: bytes }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new (s3Sdk().DeleteObjectCommand)({ Bucket: this.bucket, Key: this.prefix + key }),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const pages = s3Sdk().paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.prefix + prefix },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key) keys.push(object.Key.slice(this.prefix.length));
      }
    }
    return keys.sort();
  }

  async read(key: string): Promise<VersionedBlob | null> {
    return this.getObject(key, undefined) as Promise<VersionedBlob | null>;
  }

  async readIfChanged(key: string, etag: string): Promise<'unchanged' | VersionedBlob | null> {
    return this.getObject(key, etag);
  }

  async writeIfMatch(key: string, bytes: Uint8Array, expectedEtag: string | null): Promise<string | false> {
    const condition = expectedEtag === null ? { IfNoneMatch: '*' } : { IfMatch: expectedEtag };
    try {
      const result = await this.client.send(
        new (s3Sdk().PutObjectCommand)({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: bytes,
          ...condition,
        }),
      );
      if (!result.ETag) throw new Error(`S3 returned no ETag for ${key}`);
      return result.ETag;
    } catch (error) {
      const status = httpStatusOf(error);
      // 412: the condition failed (changed, or exists for If-None-Match); 409: a concurrent
      // conditional write to the same key won; 404: If-Match on a key that is gone.
      if (status === 412 || status === 409 || (status === 404 && expectedEtag !== null)) return false;
      throw error;
    }
  }

  private async getObject(key: string, ifNoneMatch: string | undefined) {
    try {
      const result = await this.client.send(
        new (s3Sdk().GetObjectCommand)({
          Bucket: this.bucket,
          Key: this.prefix + key,
          IfNoneMatch: ifNoneMatch,
        }),
      );
      if (!result.Body) throw new Error(`S3 returned no body for ${key}`);
      const bytes = await result.Body.transformToByteArray();
      if (!result.ETag) throw new Error(`S3 returned no ETag for ${key}`);
      return { bytes, etag: result.ETag };
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 304) return 'unchanged' as const;
      if (status === 404 || nameOf(error) === 'NoSuchKey') return null;
      throw error;
    }
  }
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}
