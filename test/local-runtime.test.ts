import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalPlugin } from '@archive/local';
import { createLocalRuntime, defaultPlugins, type LocalRuntime, readLocalEnv } from '@archive/local';
import { decodeChangeRecord } from '@archive/store';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE } from './api-helpers';

const quiet = { log: () => {}, logger: { error: () => {} } };
const dirs: string[] = [];
const runtimes: LocalRuntime[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'archive-local-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('createLocalRuntime', () => {
  it('imports the examples on first start only, keeps the generated key and the data', async () => {
    const dataDir = await tempDir();
    const first = await createLocalRuntime({ dataDir, importExamples: true, ...quiet });
    expect(first.examples).toMatchObject({ created: 5, failed: 0 });
    expect(await first.repository.count()).toBe(5);
    expect(first.ingestKey.source).toBe('generated');
    const keyFile = join(dataDir, 'ingest-key');
    expect((await readFile(keyFile, 'utf8')).trim()).toBe(first.ingestKey.key);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const url = await first.listen(0);
    const deleted = await fetch(
      `${url}/articles/${(await first.repository.scan()[Symbol.asyncIterator]().next()).value.id}`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${first.ingestKey.key}` },
      },
    );
    expect(deleted.status).toBe(200);
    await first.close();

    const second = await createLocalRuntime({ dataDir, importExamples: true, ...quiet });
    runtimes.push(second);
    expect(second.examples).toBeNull();
    expect(second.ingestKey).toMatchObject({ source: 'file', key: first.ingestKey.key });
    expect(await second.repository.count()).toBe(4);
  });

  it('does not import examples when disabled, and prefers ARCHIVE_INGEST_KEY', async () => {
    const runtime = await createLocalRuntime({
      dataDir: await tempDir(),
      importExamples: false,
      ingestKey: 'a-key-from-the-environment',
      ...quiet,
    });
    runtimes.push(runtime);
    expect(runtime.examples).toBeNull();
    expect(await runtime.repository.count()).toBe(0);
    expect(runtime.ingestKey).toMatchObject({ source: 'env', key: 'a-key-from-the-environment' });
  });

  it('accepts keys created in the keys table besides the local key', async () => {
    const runtime = await createLocalRuntime({ dataDir: null, ...quiet });
    runtimes.push(runtime);
    const { key } = await runtime.keyStore.create('desk');
    const url = await runtime.listen(0);
    const post = (bearer: string) =>
      fetch(`${url}/dispatches`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${bearer}` },
        body: SAMPLE,
      });
    expect((await post(key)).status).toBe(201);
    expect((await post(runtime.ingestKey.key)).status).toBe(200);
    expect((await post('dak_unknown')).status).toBe(401);
  });

  it('gives plugins the change records of every committed write, examples included, before close', async () => {
    const received: DynamoDBRecord[] = [];
    let closedAfter = -1;
    const plugin: LocalPlugin = {
      name: 'recorder',
      async start(context) {
        context.onChanges(async (records) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          received.push(...records);
        });
        return {
          routes: (app) => app.get('/recorded', (c) => c.json({ count: received.length })),
          health: async () => ({ recorder: { seen: received.length } }),
          close: async () => {
            closedAfter = received.length;
          },
        };
      },
    };
    const runtime = await createLocalRuntime({
      dataDir: null,
      importExamples: true,
      plugins: [plugin],
      ...quiet,
    });
    expect(received.map((r) => decodeChangeRecord(r).kind)).toEqual(Array(5).fill('upsert'));
    const url = await runtime.listen(0);
    expect(await (await fetch(`${url}/recorded`)).json()).toEqual({ count: 5 });
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({
      status: 'ok',
      articles: 5,
      recorder: { seen: 5 },
    });

    const changed = SAMPLE.replace('Some opposition members', 'Several opposition members');
    const response = await fetch(`${url}/dispatches`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${runtime.ingestKey.key}` },
      body: changed,
    });
    expect(response.status).toBe(200);
    await runtime.close();
    expect(closedAfter).toBe(6);
    expect(decodeChangeRecord(received[5] as DynamoDBRecord)).toMatchObject({ kind: 'upsert', version: 2 });
  });

  it('starts from the change log after the mark, never scanning the store (issue 10)', async () => {
    const dataDir = await tempDir();
    const start = async () => {
      const lines: string[] = [];
      const runtime = await createLocalRuntime({
        dataDir,
        importExamples: true,
        plugins: defaultPlugins(),
        ...quiet,
        log: (line) => lines.push(line),
      });
      return { runtime, lines };
    };
    const first = await start();
    expect(first.lines.join('\n')).toMatch(
      /scanned the whole store to catch up: the index has no change-log mark/,
    );
    const url = await first.runtime.listen(0);
    const id = (await first.runtime.repository.scan()[Symbol.asyncIterator]().next()).value.id;
    const auth = { authorization: `Bearer ${first.runtime.ingestKey.key}` };
    expect((await fetch(`${url}/articles/${id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    await first.runtime.close();

    const second = await start();
    runtimes.push(second.runtime);
    expect(second.runtime.examples).toBeNull();
    expect(second.lines.join('\n')).not.toMatch(/scanned/);
    expect(second.lines).toContainEqual(expect.stringMatching(/index v\d+: 4 articles \(0 changes since/));
    const secondUrl = await second.runtime.listen(0);
    const health = (await (await fetch(`${secondUrl}/health`)).json()) as {
      articles: number;
      index: { articles: number };
    };
    expect([health.articles, health.index.articles]).toEqual([4, 4]);
  });

  it('refuses a second runtime on the same data dir with a clear message', async () => {
    const dataDir = await tempDir();
    const runtime = await createLocalRuntime({ dataDir, ...quiet });
    runtimes.push(runtime);
    await expect(createLocalRuntime({ dataDir, ...quiet })).rejects.toThrow(/cannot open the archive/);
  });
});

describe('readLocalEnv', () => {
  it('applies defaults and validates', () => {
    expect(readLocalEnv({})).toMatchObject({
      ARCHIVE_DATA_DIR: './.archive',
      PORT: 3000,
      ARCHIVE_IMPORT_EXAMPLES: true,
      ARCHIVE_TABLE_NAME: 'articles',
      ARCHIVE_KEYS_TABLE_NAME: 'ingest-keys',
    });
    expect(readLocalEnv({ ARCHIVE_IMPORT_EXAMPLES: 'false', PORT: '8080' })).toMatchObject({
      ARCHIVE_IMPORT_EXAMPLES: false,
      PORT: 8080,
    });
    expect(() => readLocalEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
