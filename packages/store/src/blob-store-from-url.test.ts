import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { indexBlobStore } from './blob-store-from-url';
import { FsBlobStore } from './blob-store-fs';
import { S3BlobStore } from './blob-store-s3';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('indexBlobStore', () => {
  it('selects a local directory for a file:// URL, with the prefix as a sub-directory', async () => {
    dir = await mkdtemp(join(tmpdir(), 'blob-url-'));
    const store = indexBlobStore({ bucket: pathToFileURL(dir).href, prefix: 'index/' });
    expect(store).toBeInstanceOf(FsBlobStore);
    await store.put('snapshots/a.snap', new Uint8Array([1, 2, 3]));
    expect([...(await readFile(join(dir, 'index', 'snapshots', 'a.snap')))]).toEqual([1, 2, 3]);
  });

  it('selects S3 for a bucket name, reusing a given client', () => {
    const client = new S3Client({ region: 'us-east-1' });
    const store = indexBlobStore({ bucket: 'archive-index', prefix: 'index/', s3Client: client });
    expect(store).toBeInstanceOf(S3BlobStore);
    client.destroy();
  });
});
