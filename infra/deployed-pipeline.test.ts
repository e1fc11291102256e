/**
 * Deployed artifacts work, end to end: the ingest, indexer, search and articles functions are bundled
 * with the stack's own esbuild options (`lib/bundling.ts`), each loaded in its own worker thread with
 * its own environment (as Lambda loads an ESM handler), and driven with the events AWS would send:
 *
 *   POST /dispatches (HTTP API v2) -> ingest -> dynalite
 *   -> the stream batch those writes produce (INSERT, MODIFY, plus a poison record) -> indexer
 *   -> snapshot in a local blob store (ARCHIVE_INDEX_BUCKET=file:///...) -> search answers it
 *   -> GET/DELETE /articles/{id} -> takedown and hard-delete records -> indexer -> search forgets them.
 *
 * Stream records are built with the store's `buildChangeRecord` from the items as dynalite holds
 * them (dynalite has no streams), which is the record DynamoDB Streams delivers for that write.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildChangeRecord, ensureTables } from '@archive/store';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BundledHandler,
  bundleFunction,
  coldStart,
  startDynalite,
  TEST_AWS_ENV,
} from './bundled-handlers';
import { type HttpRequest, httpApiEvent, streamEvent } from './lambda-events';

type Http = BundledHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
type Indexer = BundledHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>;
type HttpFunction = 'ingest' | 'articles' | 'search';

const TABLE = 'articles';
const KEYS_TABLE = 'ingest-keys';
const STORY_TABLE = 'stories';
const SAMPLE = readFileSync(
  path.join(import.meta.dirname, '..', 'test', 'fixtures', 'sample-dispatch.txt'),
  'utf8',
);
/** The sample, corrected: same title and time (same article id), one more paragraph (a new version). */
const CORRECTED = `${SAMPLE.trimEnd()}\n\nCorrection: an earlier version misstated the number of Coalition delegates.\n`;
/** Another dispatch (other title, so another article), searchable by "Lisbon". */
const OTHER = SAMPLE.replaceAll(
  'Syria Opposition Discuss US-Russia Peace Initiative',
  'Lisbon Dockers Extend Strike',
)
  .split('\n\n')
  .slice(0, 3)
  .concat(['Dock workers in Lisbon extended their strike for a second week on Wednesday.'])
  .join('\n\n');
const WRITER = { keyName: 'newsroom-importer' };

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let client: DynamoDBClient;
let indexDir: string;
const bundles = {} as Record<HttpFunction | 'indexer', string>;
const started: { close(): Promise<void> }[] = [];
let ingest: Http;
let articles: Http;
let search: Http;
let indexer: Indexer;

/** The environment the stack gives each function, pointed at dynalite and a local index directory. */
function envOf(fn: HttpFunction | 'indexer'): Record<string, string | undefined> {
  const base = { ...TEST_AWS_ENV, NODE_OPTIONS: '--enable-source-maps' };
  if (fn === 'ingest' || fn === 'articles') {
    return {
      ...base,
      ARCHIVE_TABLE_NAME: TABLE,
      ARCHIVE_STORY_TABLE_NAME: STORY_TABLE,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    };
  }
  const index = { ARCHIVE_INDEX_BUCKET: pathToFileURL(indexDir).href, ARCHIVE_INDEX_PREFIX: 'index/' };
  // Search checks the manifest on every request here (2 s on AWS) so the test need not wait.
  const search = { ARCHIVE_INDEX_REFRESH_MS: '0' };
  // Search also gets articles (GetItem) for the reader's article page, and the story table for its story page.
  const table = {
    ARCHIVE_TABLE_NAME: TABLE,
    ARCHIVE_STORY_TABLE_NAME: STORY_TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
  };
  return fn === 'search' ? { ...base, ...index, ...search, ...table } : { ...base, ...index };
}

async function start<T>(fn: HttpFunction | 'indexer'): Promise<T> {
  const handler = await coldStart(bundles[fn], envOf(fn));
  started.push(handler);
  return handler as T;
}

/** Invokes an HTTP function and decodes its JSON answer. */
async function call(fn: Http, routeKey: string, urlPath: string, request: HttpRequest = {}) {
  const result = await fn.invoke(httpApiEvent(routeKey, urlPath, request));
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString() : result.body;
  return { status: result.statusCode, body: JSON.parse(body ?? 'null'), headers: result.headers ?? {} };
}

const searchFor = (q: string, handler: Http = search) =>
  call(handler, 'GET /search', '/search', { query: { q } }).then((r) => {
    expect(r.status).toBe(200);
    return (r.body.results as { id: string }[]).map((hit) => hit.id);
  });

const health = (handler: Http = search) => call(handler, 'GET /health', '/health');

/** Polls `/health` until search serves publication `version` (it refreshes off the request path). */
async function untilSearchServes(version: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await health()).body.index.version >= version) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`search never served version ${version}`);
}

/** The item as the table holds it (what a stream image carries). */
async function item(id: string): Promise<Record<string, unknown> | null> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return Item ? unmarshall(Item) : null;
}

beforeAll(async () => {
  indexDir = mkdtempSync(path.join(tmpdir(), 'archive-index-'));
  dynamo = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureTables(client, { tableName: TABLE, keysTableName: KEYS_TABLE, storyTableName: STORY_TABLE });
  const names = ['ingest', 'articles', 'search', 'indexer'] as const;
  const paths = await Promise.all(names.map((fn) => bundleFunction(fn)));
  names.forEach((fn, i) => {
    bundles[fn] = paths[i] as string;
  });
  [ingest, articles, indexer] = await Promise.all([
    start<Http>('ingest'),
    start<Http>('articles'),
    start<Indexer>('indexer'),
  ]);
  // Search first starts on an empty bucket: nothing has been published yet.
  search = await start<Http>('search');
});

afterAll(async () => {
  await Promise.all(started.map((handler) => handler.close()));
  client?.destroy();
  await dynamo?.close();
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
});

describe('bundles', () => {
  it.each(['ingest', 'articles', 'search', 'indexer'] as const)(
    '%s is an ESM bundle that leaves the AWS SDK to the runtime',
    (fn) => {
      const source = readFileSync(bundles[fn], 'utf8');
      expect(source).not.toContain('@smithy/smithy-client');
      expect(source).not.toMatch(/\brequire\(["']@aws-sdk/);
      expect(statSync(bundles[fn]).size).toBeLessThan(1_000_000);
    },
  );

  it('search needs its bucket: a missing ARCHIVE_INDEX_BUCKET fails the cold start by name', async () => {
    await expect(
      coldStart(bundles.search, { ...envOf('search'), ARCHIVE_INDEX_BUCKET: undefined }),
    ).rejects.toThrow(/ARCHIVE_INDEX_BUCKET: must be set/);
  });
});

describe('ingest -> stream -> indexer -> search -> articles', () => {
  const ids = { sample: '', other: '' };
  const images: Record<string, Record<string, unknown>> = {};
  let poisonId = '';

  it('search serves an empty index from an empty bucket', async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', index: { version: 0, articles: 0, publishedAt: null } });
    expect(await searchFor('Geneva')).toEqual([]);
  });

  it('ingest stores the sample, a correction of it and another dispatch', async () => {
    const post = (body: string) =>
      call(ingest, 'POST /dispatches', '/dispatches', {
        body,
        contentType: 'text/plain',
        authorizer: WRITER,
        headers: { authorization: 'Bearer ak_live_3q2Jd8wZp1XkYb7TnR4sVf6uLm9Hc0Ge' },
      });
    const created = await post(SAMPLE);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ids.sample = created.body.id;
    images.sampleV1 = (await item(ids.sample)) ?? {};

    const corrected = await post(CORRECTED);
    expect(corrected).toMatchObject({ status: 200, body: { id: ids.sample, status: 'updated' } });
    images.sampleV2 = (await item(ids.sample)) ?? {};
    expect(images.sampleV2.version).toBe(2);

    const other = await post(OTHER);
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    ids.other = other.body.id;
    images.otherV1 = (await item(ids.other)) ?? {};
  });

  it('the indexer applies INSERT and MODIFY records and reports only the poison record', async () => {
    const poison: DynamoDBRecord = buildChangeRecord(TABLE, null, { id: 'broken', version: 'one' });
    poisonId = poison.dynamodb?.SequenceNumber ?? '';
    const batch = streamEvent(TABLE, [
      buildChangeRecord(TABLE, null, images.sampleV1 ?? null),
      buildChangeRecord(TABLE, images.sampleV1 ?? null, images.sampleV2 ?? null),
      poison,
      buildChangeRecord(TABLE, null, images.otherV1 ?? null),
    ]);
    expect(batch.Records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'INSERT', 'INSERT']);
    expect(await indexer.invoke(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: poisonId }] });

    // Lambda retries from the failed record: redelivery is a no-op for the rest, the poison fails again.
    expect(await indexer.invoke(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: poisonId }] });
  });

  it('search picks up the new snapshot and answers the sample first', async () => {
    await untilSearchServes(1);
    const hits = await searchFor('Geneva');
    expect(hits[0]).toBe(ids.sample);
    expect(await searchFor('delegates')).toEqual([ids.sample]); // the MODIFY (v2) was indexed
    expect(await searchFor('Lisbon')).toEqual([ids.other]);
    const { body } = await health();
    expect(body).toMatchObject({ status: 'ok', index: { version: 1, articles: 2 } });
    expect(Date.parse(body.index.publishedAt)).not.toBeNaN();
    expect(body.index.secondsSinceLastChange).toBeGreaterThanOrEqual(0);
  });

  it('a fresh search cold start loads the published snapshot during init', async () => {
    const fresh = await start<Http>('search');
    expect((await health(fresh)).body.index).toMatchObject({ version: 1, articles: 2 });
    expect((await searchFor('Geneva', fresh))[0]).toBe(ids.sample);
    const suggest = await call(fresh, 'GET /suggest', '/suggest', { query: { q: 'gene' } });
    expect(suggest.status).toBe(200);
    const bad = await call(fresh, 'GET /search', '/search', { query: { q: 'Geneva', limit: 'lots' } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameters' } } });
  });

  it("search serves the reader's pages: results rendered on the server, the article, the story, the script", async () => {
    const page = async (routeKey: string, urlPath: string, query?: Record<string, string>) => {
      const result = await search.invoke(httpApiEvent(routeKey, urlPath, query ? { query } : {}));
      const body = result.isBase64Encoded
        ? Buffer.from(result.body ?? '', 'base64').toString()
        : (result.body ?? '');
      return { status: result.statusCode, body, headers: result.headers ?? {} };
    };
    const front = await page('GET /', '/', { q: 'Geneva' });
    expect(front.status).toBe(200);
    expect(front.headers['content-type']).toMatch(/^text\/html/);
    expect(front.body).toContain(`href="/read/${ids.sample}"`);
    expect(front.body).toContain('<mark>Geneva</mark>');
    const article = await page('GET /read/{id}', `/read/${ids.sample}`);
    expect(article.status).toBe(200);
    expect(article.body).toContain('<h1>Syria Opposition Discuss US-Russia Peace Initiative</h1>');
    expect(article.body).toContain('Version 2');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(front.body)?.[1] ?? '';
    const asset = await page('GET /assets/{file}', script);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await page('GET /read/{id}', '/read/no-such-article')).status).toBe(404);
    // The story page: the story of the sample (its first version opened it; the correction is the
    // same article), read from the story table and the articles.
    const story = await page('GET /story/{id}', `/story/${ids.sample}`);
    expect(story.status, story.body.slice(0, 200)).toBe(200);
    expect(story.body).toContain('Syria Opposition Discuss US-Russia Peace Initiative');
    expect((await page('GET /story/{id}', '/story/no-such-story')).status).toBe(404);
  });

  it('articles serves the OpenAPI document and its reference page', async () => {
    const doc = await call(articles, 'GET /openapi.json', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/search');
    const page = await articles.invoke(httpApiEvent('GET /docs', '/docs'));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/openapi.json');
  });

  it('articles reads the article and takes it down', async () => {
    const read = await call(articles, 'GET /articles/{id}', `/articles/${ids.sample}`);
    expect(read).toMatchObject({ status: 200, body: { id: ids.sample, version: 2 } });
    const story = await call(articles, 'GET /stories/{id}', `/stories/${ids.sample}`);
    expect(story).toMatchObject({ status: 200, body: { members: [{ id: ids.sample, version: 2 }] } });
    const deleted = await call(articles, 'DELETE /articles/{id}', `/articles/${ids.sample}`, {
      authorizer: WRITER,
    });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect((await call(articles, 'GET /articles/{id}', `/articles/${ids.sample}`)).status).toBe(404);
    images.sampleTombstone = (await item(ids.sample)) ?? {};
    expect(images.sampleTombstone.deletedAt).toEqual(expect.any(String));
  });

  it('takedown and REMOVE records through the indexer: search no longer finds either article', async () => {
    const batch = streamEvent(TABLE, [
      buildChangeRecord(TABLE, images.sampleV2 ?? null, images.sampleTombstone ?? null),
      // A hard delete (the service never does one, but an operator might, in the console).
      buildChangeRecord(TABLE, images.otherV1 ?? null, null),
    ]);
    expect(batch.Records.map((r) => r.eventName)).toEqual(['MODIFY', 'REMOVE']);
    expect(await indexer.invoke(batch)).toEqual({ batchItemFailures: [] });
    // Version 2 is the batch (a segment of removals and delete markers on the first segment);
    // version 3 the merge that followed in the same invocation: every article of the first
    // segment was deleted, so the merge policy rewrote it without them (it keeps their versions).
    await untilSearchServes(3);
    expect(await searchFor('Geneva')).toEqual([]);
    expect(await searchFor('Lisbon')).toEqual([]);
    expect((await health()).body.index).toMatchObject({ version: 3, articles: 0 });
    const state = readState(readManifest().stateKey);
    expect(state.partitions.flatMap((p) => p.segments)).toHaveLength(2);
    // The merged-away segment is named by one retirement record, not by the state.
    expect(state.retired).toEqual([]);
    const records = readdirSync(path.join(indexDir, 'index', 'retired'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(
      readFileSync(path.join(indexDir, 'index', 'retired', records[0] ?? ''), 'utf8'),
    );
    expect(record.keys).toHaveLength(1);
  });

  it('after the merge, a new dispatch is indexed and found', async () => {
    const created = await call(ingest, 'POST /dispatches', '/dispatches', {
      body: OTHER.replace('Lisbon', 'Oporto'),
      contentType: 'text/plain',
      authorizer: WRITER,
      headers: { authorization: 'Bearer ak_live_3q2Jd8wZp1XkYb7TnR4sVf6uLm9Hc0Ge' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const image = (await item(created.body.id)) ?? {};
    expect(await indexer.invoke(streamEvent(TABLE, [buildChangeRecord(TABLE, null, image)]))).toEqual({
      batchItemFailures: [],
    });
    await untilSearchServes(4);
    expect(await searchFor('Oporto')).toEqual([created.body.id]);
    expect((await health()).body.index).toMatchObject({ version: 4, articles: 1 });
  });

  it('the indexer collected nothing it still needs: every kept publication stays loadable', () => {
    const manifest = readManifest();
    expect(manifest).toMatchObject({ format: 2, version: 4, articleCount: 1 });
    expect(manifest.previous.map((ref: { version: number }) => ref.version)).toEqual([3, 2, 1]);
    for (const ref of [manifest, ...manifest.previous]) {
      for (const partition of readState(ref.stateKey).partitions) {
        for (const segment of partition.segments) {
          expect(statSync(path.join(indexDir, 'index', segment.key)).size).toBeGreaterThan(0);
        }
      }
    }
  });
});

function readManifest() {
  return JSON.parse(readFileSync(path.join(indexDir, 'index', 'manifest.json'), 'utf8'));
}

function readState(key: string): {
  partitions: { segments: { key: string }[] }[];
  retired: { key: string }[];
} {
  return JSON.parse(readFileSync(path.join(indexDir, 'index', key), 'utf8'));
}
