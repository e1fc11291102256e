import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE } from './api-helpers';
import { startTestDynamo, type TestDynamo } from './store-helpers';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

let db: TestDynamo;
let ingest: Handler;
let articles: Handler;

beforeAll(async () => {
  db = await startTestDynamo();
  process.env.ARCHIVE_TABLE_NAME = 'articles';
  process.env.DYNAMODB_ENDPOINT = db.dynamo.endpoint;
  process.env.POWERTOOLS_DEV = 'false';
  ingest = (await import('../functions/ingest')).handler as unknown as Handler;
  articles = (await import('../functions/articles')).handler as unknown as Handler;
});
afterAll(async () => {
  await db.close();
});

/** A minimal API Gateway HTTP API (payload 2.0) request event. */
function event(method: string, path: string, body?: string, contentType?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com', ...(contentType ? { 'content-type': contentType } : {}) },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '27/Nov/2024:20:30:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: body !== undefined,
    ...(body !== undefined ? { body: Buffer.from(body).toString('base64') } : {}),
  };
}

const context = {} as Context;
type Result = Exclude<APIGatewayProxyResultV2, string>;

describe('Lambda entries (functions/ingest.ts, functions/articles.ts)', () => {
  it('ingest stores the sample; articles reads, reports health and takes it down', async () => {
    const created = (await ingest(event('POST', '/dispatches', SAMPLE, 'text/plain'), context)) as Result;
    expect(created.statusCode).toBe(201);
    const id = JSON.parse(created.body ?? '{}').id as string;

    const read = (await articles(event('GET', `/articles/${id}`), context)) as Result;
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body ?? '{}')).toMatchObject({ id, publishedAt: '2024-11-27T20:30:00Z' });

    const health = (await articles(event('GET', '/health'), context)) as Result;
    expect(JSON.parse(health.body ?? '{}')).toEqual({ status: 'ok', articles: 1 });

    const deleted = (await articles(event('DELETE', `/articles/${id}`), context)) as Result;
    expect(deleted.statusCode).toBe(200);
    expect(((await articles(event('GET', `/articles/${id}`), context)) as Result).statusCode).toBe(404);
  });

  it('each function serves only its routes', async () => {
    expect(((await ingest(event('GET', '/health'), context)) as Result).statusCode).toBe(404);
    expect(
      ((await articles(event('POST', '/dispatches', SAMPLE, 'text/plain'), context)) as Result).statusCode,
    ).toBe(404);
  });

  it('maps bad input to 4xx', async () => {
    const bad = (await ingest(
      event('POST', '/dispatches', '{"title":', 'application/json'),
      context,
    )) as Result;
    expect(bad.statusCode).toBe(400);
    const unsupported = (await ingest(
      event('POST', '/dispatches', 'x', 'application/xml'),
      context,
    )) as Result;
    expect(unsupported.statusCode).toBe(415);
  });
});
