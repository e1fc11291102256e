import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3BlobStore } from './blob-store-s3';

/**
 * A tiny in-process S3 (path-style GET/PUT/DELETE/ListObjectsV2 with the conditional headers)
 * so the real SDK serialises the requests and parses the 304/404/409/412 answers. It is a fake
 * by necessity (no AWS here); `conflictNext` injects S3's 409 for a concurrent conditional write.
 */
const objects = new Map<string, { body: Buffer; etag: string }>();
const seen: { method: string; key: string; headers: IncomingMessage['headers'] }[] = [];
let conflictNext = false;
let server: Server;
let client: S3Client;

function s3Error(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, , ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({ method: req.method ?? '', key, headers: req.headers });
    const current = objects.get(key);
    const send = (status: number, body = '', headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/xml', ...headers });
      res.end(body);
    };
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const contents = keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join('');
      return send(200, `<ListBucketResult><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
    }
    if (req.method === 'GET') {
      if (!current) return send(404, s3Error('NoSuchKey'));
      if (req.headers['if-none-match'] === current.etag) return send(304);
      res.writeHead(200, { etag: current.etag, 'content-length': current.body.length });
      return res.end(current.body);
    }
    if (req.method === 'PUT') {
      if (conflictNext) {
        conflictNext = false;
        return send(409, s3Error('ConditionalRequestConflict'));
      }
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatch === '*' && current) return send(412, s3Error('PreconditionFailed'));
      if (ifMatch !== undefined && !current) return send(404, s3Error('NoSuchKey'));
      if (ifMatch !== undefined && ifMatch !== current?.etag) return send(412, s3Error('PreconditionFailed'));
      const body = Buffer.concat(chunks);
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      objects.set(key, { body, etag });
      return send(200, '', { etag });
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      return send(204);
    }
    send(400, s3Error('BadRequest'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
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
  await new Promise((resolve) => server.close(resolve));
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
    conflictNext = true;
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
