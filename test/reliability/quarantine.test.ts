import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRuntime, defaultPlugins, type LocalRuntime } from '@archive/local';
import { DEFAULT_TABLE_NAME } from '@archive/store';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../cli-helpers';
import { makeDraft } from '../store-helpers';

const dirs: string[] = [];
const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function start(dataDir: string, lines: string[] = []) {
  const runtime = await createLocalRuntime({
    dataDir,
    importExamples: false,
    plugins: defaultPlugins(),
    log: (line) => lines.push(line),
    logger: { error: () => {} },
  });
  runtimes.push(runtime);
  const url = await runtime.listen(0);
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as { total?: number } };
  };
  return { runtime, url, get, key: runtime.ingestKey.key };
}

/** The item the place bug of issue 12 wrote: every field valid but the zone, an object. */
const POISONED_ID = 'poisoned-item';
const poisonedItem = {
  id: POISONED_ID,
  title: 'Proto place',
  paragraphs: ['Body.'],
  caption: null,
  publishedAt: '2024-05-01T10:00:00Z',
  localTime: '2024-05-01T10:00:00Z',
  timeZone: {},
  place: '__proto__',
  language: 'en',
  source: null,
  url: null,
  tags: [],
  version: 1,
  contentHash: 'abc',
  previousHash: null,
  ingestedAt: '2024-05-01T10:00:01Z',
  updatedAt: '2024-05-01T10:00:01Z',
  publishedMonth: '2024-05',
  publishedSort: `2024-05-01T10:00:00Z#${POISONED_ID}`,
};

async function archiveWithPoisonedItem(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'archive-quarantine-'));
  dirs.push(dataDir);
  const { runtime, url, key } = await start(dataDir);
  const upload = await fetch(`${url}/dispatches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'A readable one',
      body: 'Harbour news.',
      publishedAt: '2024-05-02T10:00:00Z',
    }),
  });
  expect(upload.status).toBe(201);
  await runtime.dynamo.doc.send(new PutCommand({ TableName: DEFAULT_TABLE_NAME, Item: poisonedItem }));
  await runtimes.pop()?.close();
  return dataDir;
}

describe('an unreadable stored item is quarantined, never fatal (issue 12, finding 1)', () => {
  it('the archive starts, serves the rest, reports the item in /health and a log line', async () => {
    const dataDir = await archiveWithPoisonedItem();
    const lines: string[] = [];
    const { get } = await start(dataDir, lines);

    expect((await get(`/articles/${POISONED_ID}`)).status).toBe(404);
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'degraded', quarantined: { count: 1, ids: [POISONED_ID] } });
    expect(lines.some((line) => line.includes(`quarantined: stored item ${POISONED_ID} is unreadable`))).toBe(
      true,
    );
    const search = await get('/search?q=harbour');
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(1);
  });

  it('a re-upload of the same identity replaces the unreadable item', async () => {
    const dataDir = await archiveWithPoisonedItem();
    const { runtime, url, key } = await start(dataDir);
    await runtime.dynamo.doc.send(
      new PutCommand({ TableName: DEFAULT_TABLE_NAME, Item: { ...poisonedItem, id: 'other-poisoned' } }),
    );
    expect(await runtime.repository.get('other-poisoned')).toBeNull();
    const outcome = await runtime.repository.put(
      makeDraft({
        id: 'other-poisoned',
        title: 'Proto place',
        publishedAt: '2024-05-01T10:00:00Z',
        timeZone: 'UTC',
      }),
    );
    expect(outcome).toMatchObject({ status: 'created', article: { version: 2 } });
    expect((await runtime.repository.get('other-poisoned'))?.timeZone).toBe('UTC');
    expect(runtime.repository.quarantined().map((q) => q.id)).not.toContain('other-poisoned');
    const deleted = await fetch(`${url}/articles/${POISONED_ID}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(deleted.status).toBe(200);
  });

  it('archive quarantine lists it; --repair sets it aside, takes it down, and the next start is clean', async () => {
    const dataDir = await archiveWithPoisonedItem();
    const listed = await cli('quarantine', '--data-dir', dataDir);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${POISONED_ID}\ttimeZone:`);
    expect(listed.out).toContain('1 unreadable item (repair with --repair)');

    const repaired = await cli('quarantine', '--repair', '--data-dir', dataDir);
    expect(repaired.code).toBe(0);
    expect(repaired.out).toContain('taken down');
    const aside = await readdir(join(dataDir, 'quarantine'));
    expect(aside).toEqual([`${POISONED_ID}.json`]);
    expect(JSON.parse(await readFile(join(dataDir, 'quarantine', aside[0] as string), 'utf8'))).toMatchObject(
      {
        place: '__proto__',
      },
    );
    expect((await cli('quarantine', '--data-dir', dataDir)).out).toContain('no unreadable items');

    const { get } = await start(dataDir);
    expect((await get('/health')).body).toMatchObject({ status: 'ok', articles: 1 });
  });
});
