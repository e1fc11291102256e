/**
 * The deployed artifacts with two partition functions, end to end: the search function runs as the
 * coordinator (ARCHIVE_PARTITION_FUNCTIONS) and reaches the two bundled partition functions with the
 * AWS SDK's LambdaClient, through an in-process endpoint that speaks the Lambda Invoke API:
 *
 *   POST /dispatches -> ingest -> dynalite -> stream batch -> indexer -> snapshot (local blob store)
 *   -> partition functions (each its share) <- coordinator <- GET /search
 *   -> DELETE /articles/{id} -> takedown record -> indexer -> the article disappears from search.
 *
 * Every function is bundled with the stack's own esbuild options and loaded in its own worker
 * thread, as in deployed-pipeline.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type InvokeEndpoint, type InvokeFault, startInvokeEndpoint } from '@archive/local';
import { buildChangeRecord, ensureTables } from '@archive/store';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
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

const TABLE = 'articles';
const PARTITION_FUNCTIONS = ['archive-dev-partition-0', 'archive-dev-partition-1'];
const WRITER = { keyName: 'newsroom-importer' };
/** Dispatches of four years, so that both partition functions hold some. */
const DISPATCHES = [
  {
    title: 'Geneva Talks Resume',
    body: 'Delegates met in Geneva on Monday.',
    publishedAt: '2019-03-04T09:00:00Z',
  },
  {
    title: 'Harvest Begins Early',
    body: 'Farmers near Geneva began the wheat harvest.',
    publishedAt: '2020-07-01T09:00:00Z',
  },
  {
    title: 'Lisbon Dockers Strike',
    body: 'Dock workers in Lisbon stopped work.',
    publishedAt: '2021-05-05T09:00:00Z',
  },
  {
    title: 'Geneva Summit Ends',
    body: 'The summit in Geneva ended without a statement.',
    publishedAt: '2022-11-27T20:30:00Z',
  },
];

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let client: DynamoDBClient;
let indexDir: string;
let endpoint: InvokeEndpoint;
let fault: (name: string) => InvokeFault | undefined = () => undefined;
const started: { close(): Promise<void> }[] = [];
let ingest: Http;
let articles: Http;
let indexer: Indexer;
let search: Http;

async function call(fn: Http, routeKey: string, urlPath: string, request: HttpRequest = {}) {
  const result = await fn.invoke(httpApiEvent(routeKey, urlPath, request));
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString() : result.body;
  return { status: result.statusCode, body: JSON.parse(body ?? 'null') };
}

const searchFor = async (q: string) => {
  const { status, body } = await call(search, 'GET /search', '/search', { query: { q, sort: 'oldest' } });
  expect(status).toBe(200);
  return body as {
    total: number;
    results: { id: string; title: string }[];
    incomplete?: { missing: { partition: string; from: string | null }[]; unreachable: string[] };
  };
};

/** Searches until `check` holds: partition functions refresh off the request path. */
async function until(q: string, check: (answer: Awaited<ReturnType<typeof searchFor>>) => boolean) {
  let answer = await searchFor(q);
  for (let attempt = 0; attempt < 100 && !check(answer); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    answer = await searchFor(q);
  }
  if (!check(answer)) throw new Error(`search for ${q}: ${JSON.stringify(answer).slice(0, 800)}`);
  return answer;
}

async function item(id: string): Promise<Record<string, unknown> | null> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }),
  );
  return Item ? unmarshall(Item) : null;
}

beforeAll(async () => {
  indexDir = mkdtempSync(path.join(tmpdir(), 'archive-partitions-'));
  dynamo = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureTables(client, { tableName: TABLE, keysTableName: 'ingest-keys' });
  const names = ['ingest', 'articles', 'indexer', 'search', 'partition'] as const;
  const [ingestJs, articlesJs, indexerJs, searchJs, partitionJs] = await Promise.all(
    names.map((fn) => bundleFunction(fn)),
  );
  const base = { ...TEST_AWS_ENV, NODE_OPTIONS: '--enable-source-maps' };
  const store = { ...base, ARCHIVE_TABLE_NAME: TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint };
  const index = {
    ...base,
    ARCHIVE_INDEX_BUCKET: pathToFileURL(indexDir).href,
    ARCHIVE_INDEX_PREFIX: 'index/',
  };
  const begin = async <T>(bundle: string | undefined, env: Record<string, string | undefined>) => {
    const handler = await coldStart(bundle as string, env);
    started.push(handler);
    return handler as T;
  };
  [ingest, articles, indexer] = await Promise.all([
    begin<Http>(ingestJs, store),
    begin<Http>(articlesJs, store),
    // One article per partition, so the four dispatches make four partitions to share out.
    begin<Indexer>(indexerJs, { ...index, ARCHIVE_PARTITION_TARGET: '1' }),
  ]);
  const partitions = await Promise.all(
    PARTITION_FUNCTIONS.map((_, i) =>
      begin<BundledHandler<unknown, unknown>>(partitionJs, {
        ...index,
        ARCHIVE_INDEX_REFRESH_MS: '0',
        ARCHIVE_PARTITION_INDEX: String(i),
        ARCHIVE_PARTITION_COUNT: String(PARTITION_FUNCTIONS.length),
      }),
    ),
  );
  endpoint = await startInvokeEndpoint(
    new Map(
      PARTITION_FUNCTIONS.map((name, i) => [
        name,
        (event: unknown) => (partitions[i] as BundledHandler<unknown, unknown>).invoke(event),
      ]),
    ),
    { fault: (name) => fault(name) },
  );
  search = await begin<Http>(searchJs, {
    ...index,
    ARCHIVE_TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    ARCHIVE_PARTITION_FUNCTIONS: PARTITION_FUNCTIONS.join(','),
    ARCHIVE_PARTITION_TIMEOUT_MS: '1500',
    // Asks the partition functions what they hold before every request (2 s on AWS).
    ARCHIVE_INDEX_REFRESH_MS: '0',
    LAMBDA_ENDPOINT: endpoint.url,
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((handler) => handler.close()));
  await endpoint?.close();
  client?.destroy();
  await dynamo?.close();
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
});

describe('ingest -> stream -> indexer -> partition functions <- coordinator', () => {
  const ids: string[] = [];

  it('the coordinator answers from an empty archive before anything is published', async () => {
    expect(await searchFor('Geneva')).toMatchObject({ total: 0, results: [] });
    const health = await call(search, 'GET /health', '/health');
    expect(health).toMatchObject({ status: 200, body: { index: { articles: 0, partitionFunctions: 2 } } });
  });

  it('articles ingested and indexed are found through both partition functions', async () => {
    const posted = await call(ingest, 'POST /dispatches', '/dispatches', {
      body: JSON.stringify(DISPATCHES),
      contentType: 'application/json',
      authorizer: WRITER,
    });
    expect(posted, JSON.stringify(posted.body)).toMatchObject({ status: 200, body: { created: 4 } });
    for (const result of posted.body.results as { id: string }[]) ids.push(result.id);
    const images = await Promise.all(ids.map((id) => item(id)));
    const batch = streamEvent(
      TABLE,
      images.map((image) => buildChangeRecord(TABLE, null, image)),
    );
    expect(await indexer.invoke(batch)).toEqual({ batchItemFailures: [] });

    const answer = await until('Geneva', (a) => a.total === 3);
    expect(answer.results.map((hit) => hit.title)).toEqual([
      'Geneva Talks Resume',
      'Harvest Begins Early',
      'Geneva Summit Ends',
    ]);
    expect(answer.incomplete).toBeUndefined();
    // Each function holds some of the four year partitions, none holds them all.
    const counts = PARTITION_FUNCTIONS.map((name) => endpoint.invocations.get(name) ?? 0);
    expect(counts.every((n) => n > 0)).toBe(true);
  });

  it('a partition function that fails makes the answer incomplete, not an error', async () => {
    fault = (name) => (name === PARTITION_FUNCTIONS[1] ? { kind: 'throttle' } : undefined);
    try {
      const answer = await searchFor('Geneva');
      expect(answer.total).toBeLessThan(3);
      // Function 1 holds two of the four partitions (one segment each); both are named with their
      // time ranges.
      expect(answer.incomplete?.unreachable).toEqual([]);
      expect(answer.incomplete?.missing).toHaveLength(2);
      for (const m of answer.incomplete?.missing ?? []) expect(m.from).toMatch(/^\d{4}-\d{2}-\d{2}/);
    } finally {
      fault = () => undefined;
    }
    expect((await searchFor('Geneva')).incomplete).toBeUndefined();
  });

  it('a takedown disappears from search', async () => {
    const victim = ids[0] as string;
    const before = await item(victim);
    const deleted = await call(articles, 'DELETE /articles/{id}', `/articles/${victim}`, {
      authorizer: WRITER,
    });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    const after = await item(victim);
    expect(await indexer.invoke(streamEvent(TABLE, [buildChangeRecord(TABLE, before, after)]))).toEqual({
      batchItemFailures: [],
    });
    const answer = await until('Geneva', (a) => a.total === 2);
    expect(answer.results.map((hit) => hit.id)).not.toContain(victim);
  });
});
