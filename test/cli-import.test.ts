import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRuntime } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './api-helpers';
import { cli } from './cli-helpers';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archive-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const records = [
  {
    headline: 'Wheat Prices Rise',
    text: 'Wheat futures rose on Monday.',
    date: '1987-03-02T09:30:00',
    topics: ['grain'],
  },
  { headline: 'Copper Output Falls', text: 'Copper output fell in February.', date: '1987-03-03T14:00:00' },
  { headline: '', text: 'A record without a title.', date: '1987-03-04T10:00:00' },
  { headline: 'No Body', text: '', date: '1987-03-05T10:00:00' },
];

describe('archive import (local data dir)', () => {
  it('imports the examples and the sample fixture, then finds them unchanged', async () => {
    const dataDir = join(dir, 'examples');
    const examples = join(import.meta.dirname, '../examples');
    const first = await cli('import', examples, '--data-dir', dataDir);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/created\s+5/);
    expect(first.out).toMatch(/failed\s+0/);

    const sample = join(import.meta.dirname, 'fixtures/sample-dispatch.txt');
    const again = await cli('import', examples, sample, '--data-dir', dataDir);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/unchanged\s+6/);
  });

  it('maps fields, applies --time-zone, reports failures by reason and exits non-zero', async () => {
    const dataDir = join(dir, 'jsonl');
    const file = join(dir, 'wire.jsonl');
    await writeFile(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n{not json\n`);
    const result = await cli(
      'import',
      file,
      '--data-dir',
      dataDir,
      '--map',
      'title=headline,body=text',
      '--time-zone',
      'America/New_York',
    );
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/created\s+2/);
    expect(result.out).toMatch(/failed\s+3/);
    expect(result.out).toContain('missing_title');
    expect(result.out).toContain('empty_body');
    expect(result.out).toContain('malformed');
    expect(result.out).toContain(`${file}:5`);

    const runtime = await createLocalRuntime({ dataDir, log: () => {} });
    try {
      const stored = [];
      for await (const article of runtime.repository.scan()) stored.push(article);
      const wheat = stored.find((a) => a.title === 'Wheat Prices Rise');
      expect(wheat).toMatchObject({
        publishedAt: '1987-03-02T14:30:00Z',
        timeZone: 'America/New_York',
        tags: ['grain'],
      });
    } finally {
      await runtime.close();
    }
  });

  it('rejects bad options with a message', async () => {
    expect((await cli('import', dir, '--time-zone', 'Nowhere/Land')).err).toContain('not an IANA time zone');
    expect((await cli('import', dir, '--map', 'title')).err).toContain('bad field mapping');
    expect((await cli('import', join(dir, 'missing.txt'))).code).toBe(1);
  });
});

describe('archive import --url (running server)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends batches with the key and summarises the results', async () => {
    const file = join(dir, 'remote.jsonl');
    await writeFile(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const args = ['import', file, '--url', server.url, '--time-zone', 'UTC', '--batch-size', '2'];
    const result = await cli(...args, '--key', server.key);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/created\s+2/);
    expect(result.out).toMatch(/failed\s+2/);
    expect(await server.runtime.repository.count()).toBe(2);

    const refused = await cli(...args, '--key', 'dak_wrong');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('refused the key');
  });
});

describe('archive keys', () => {
  it('creates, lists and revokes keys in the local keys table', async () => {
    const dataDir = join(dir, 'keys');
    const created = await cli('keys', '--data-dir', dataDir, 'create', 'night desk');
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^dak_/);

    const listed = await cli('keys', '--data-dir', dataDir, 'list');
    expect(listed.out).toContain('night desk');
    expect(listed.out).not.toContain(key);
    const prefix = listed.out.trim().split(/\s+/)[0] as string;

    const revoked = await cli('keys', '--data-dir', dataDir, 'revoke', prefix);
    expect(revoked.code).toBe(0);
    expect((await cli('keys', '--data-dir', dataDir, 'list')).out).toContain('revoked');
    expect((await cli('keys', '--data-dir', dataDir, 'revoke', 'zz')).code).toBe(1);
  });
});
