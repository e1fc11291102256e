import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type InProcessS3, startInProcessS3 } from '../../../test/fixtures/in-process-s3';
import { S3BlobStore } from './blob-store-s3';

let s3: InProcessS3;
let objects: InProcessS3['objects'];
let seen: InProcessS3['seen'];
let client: S3Client;

beforeAll(async () => {
  s3 = await startInProcessS3();
  objects = s3.objects;
  seen = s3.seen;
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});
beforeEach(() => {
  objects.clear();
  seen.length = 0;
});

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe('S3BlobStore against an in-process S3', () => {
  it('prefixes keys and round-trips objects', async () => {
    const store = new S3BlobStore({ client, bucket: 'idx', prefix: 'index/' });
    await store.put('snapshots/1.snap', bytes('snap'));
    expect([...objects.keys()]).toEqual(['index/snapshots/1.snap']);
    expect(text((await store.get('snapshots/1.snap')) ?? undefined)).toBe('snap');
    expect(await store.get('nope')).toBeNull();
    expect(await store.list('snapshots/')).toEqual(['snapshots/1.snap']);
    await store.delete('snapshots/1.snap');
    expect(objects.size).toBe(0);
  });

  it('creates with If-None-Match: * and replaces with If-Match', async () => {
    const store = new S3BlobStore({ client, bucket: 'idx', prefix: 'index/' });
    const first = await store.writeIfMatch('manifest.json', bytes('v1'), null);
    expect(seen.at(-1)?.headers['if-none-match']).toBe('*');
    expect(first).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await store.writeIfMatch('manifest.json', bytes('again'), null)).toBe(false);
    expect(await store.writeIfMatch('manifest.json', bytes('v2'), '"stale"')).toBe(false);
    const second = await store.writeIfMatch('manifest.json', bytes('v2'), first as string);
    expect(seen.at(-1)?.headers['if-match']).toBe(first);
    expect(second).toBeTruthy();
    expect(text((await store.read('manifest.json'))?.bytes)).toBe('v2');
  });

  it('reports a concurrent conditional write (409) and If-Match on a missing key as conflicts', async () => {
    const store = new S3BlobStore({ client, bucket: 'idx' });
    s3.conflictNext();
    expect(await store.writeIfMatch('manifest.json', bytes('v1'), null)).toBe(false);
    expect(await store.writeIfMatch('manifest.json', bytes('v1'), '"gone"')).toBe(false);
  });

  it('checks freshness with a conditional GET', async () => {
    const store = new S3BlobStore({ client, bucket: 'idx' });
    const etag = (await store.writeIfMatch('manifest.json', bytes('v1'), null)) as string;
    expect(await store.readIfChanged('manifest.json', etag)).toBe('unchanged');
    expect(seen.at(-1)?.headers['if-none-match']).toBe(etag);
    await store.writeIfMatch('manifest.json', bytes('v2'), etag);
    const changed = await store.readIfChanged('manifest.json', etag);
    expect(changed !== 'unchanged' && text(changed?.bytes)).toBe('v2');
    await store.delete('manifest.json');
    expect(await store.readIfChanged('manifest.json', etag)).toBeNull();
  });
});
