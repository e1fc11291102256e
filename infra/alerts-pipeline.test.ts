/**
 * Alerts as deployed, end to end: the ingest, alert-matcher and alert-delivery functions bundled
 * with the stack's esbuild options, each cold-started in its own worker with the environment the
 * stack gives it, against dynalite, an endpoint speaking the SQS API (sqs-endpoint.ts) and webhook
 * receivers on loopback:
 *
 *   POST /alerts (ingest) -> POST /dispatches (ingest) -> the stream record of that write
 *   -> alert-matcher -> one SQS message per match -> the SQS event -> alert-delivery -> signed POST.
 *
 * Loopback and http webhooks are allowed here only by ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP=true, a
 * test-only variable the stack never sets (alerts-stack.test.ts checks it); without it the same
 * bundle refuses them, as on AWS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyDelivery } from '@archive/api';
import { buildChangeRecord, createDynamoClients, ensureTables } from '@archive/store';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../test/webhook-receiver';
import {
  type BundledHandler,
  bundleFunction,
  coldStart,
  startDynalite,
  TEST_AWS_ENV,
} from './bundled-handlers';
import { type HttpRequest, httpApiEvent, type QueuedMessage, sqsEvent, streamEvent } from './lambda-events';
import { type SqsEndpoint, startSqsEndpoint } from './sqs-endpoint';

type Http = BundledHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
type Matcher = BundledHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>;
type Delivery = BundledHandler<SQSEvent, SQSBatchResponse>;

const TABLE = 'articles';
const ALERT_TABLE = 'alerts';
const QUEUE = 'alert-deliveries';
const MAX_ATTEMPTS = 3;
const SAMPLE = readFileSync(
  path.join(import.meta.dirname, '..', 'test', 'fixtures', 'sample-dispatch.txt'),
  'utf8',
);
const WRITER = { keyName: 'alert-desk' };

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sqs: SqsEndpoint;
let client: DynamoDBClient;
const receiver = new WebhookReceiver();
const bundles = {} as Record<'ingest' | 'alertMatcher' | 'alertDelivery', string>;
const started: { close(): Promise<void> }[] = [];
let ingest: Http;
let matcher: Matcher;
let delivery: Delivery;

/** What the stack sets (table and queue names, attempts), pointed at the local endpoints. */
function envOf(fn: keyof typeof bundles): Record<string, string | undefined> {
  const base = {
    ...TEST_AWS_ENV,
    NODE_OPTIONS: '--enable-source-maps',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    ARCHIVE_ALERT_TABLE_NAME: ALERT_TABLE,
    ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true',
  };
  if (fn === 'ingest') return { ...base, ARCHIVE_TABLE_NAME: TABLE };
  const queue = { ARCHIVE_ALERT_QUEUE_URL: sqs.queueUrl(QUEUE), SQS_ENDPOINT: sqs.url };
  // Reload the alerts on every batch (15 s on AWS) so a just-created alert matches at once.
  if (fn === 'alertMatcher') return { ...base, ...queue, ARCHIVE_ALERTS_REFRESH_MS: '0' };
  return { ...base, ...queue, ARCHIVE_ALERT_MAX_ATTEMPTS: String(MAX_ATTEMPTS) };
}

async function start<T>(fn: keyof typeof bundles, env: Record<string, string | undefined> = envOf(fn)) {
  const handler = await coldStart(bundles[fn], env);
  started.push(handler);
  return handler as T;
}

async function call(fn: Http, routeKey: string, urlPath: string, request: HttpRequest = {}) {
  const result = await fn.invoke(httpApiEvent(routeKey, urlPath, { authorizer: WRITER, ...request }));
  return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
}

const createAlert = (handler: Http, body: Record<string, unknown>) =>
  call(handler, 'POST /alerts', '/alerts', {
    body: JSON.stringify(body),
    contentType: 'application/json',
  });

/** The messages sent to the queue so far, as a batch of first receives. */
const firstReceives = (): QueuedMessage[] =>
  sqs.sent.map((m) => ({ messageId: m.messageId, body: m.body, receiveCount: 1 }));

beforeAll(async () => {
  [dynamo, sqs] = await Promise.all([startDynalite(), startSqsEndpoint(), receiver.start()]);
  ({ client } = createDynamoClients({ endpoint: dynamo.endpoint }));
  await ensureTables(client, { tableName: TABLE, keysTableName: 'ingest-keys', alertTableName: ALERT_TABLE });
  const names = ['ingest', 'alertMatcher', 'alertDelivery'] as const;
  const paths = await Promise.all(names.map((fn) => bundleFunction(fn)));
  names.forEach((fn, i) => {
    bundles[fn] = paths[i] as string;
  });
  [ingest, matcher, delivery] = await Promise.all([
    start<Http>('ingest'),
    start<Matcher>('alertMatcher'),
    start<Delivery>('alertDelivery'),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.all(started.map((handler) => handler.close()));
  client?.destroy();
  await Promise.all([dynamo?.close(), sqs?.close(), receiver.close()]);
});

describe('bundles', () => {
  it.each(['alertMatcher', 'alertDelivery'] as const)(
    '%s is an ESM bundle that leaves the AWS SDK (SQS client included) to the runtime',
    (fn) => {
      const source = readFileSync(bundles[fn], 'utf8');
      // Imported, or required on first use (packages/store/src/aws-sdk-on-demand.ts): never bundled.
      expect(source).toMatch(/(from\s*|\()"@aws-sdk\/client-sqs"/);
      expect(source).not.toContain('@smithy/smithy-client');
      expect(source.length).toBeLessThan(500_000);
    },
  );

  it('the delivery function needs its queue: a missing ARCHIVE_ALERT_QUEUE_URL fails the cold start by name', async () => {
    await expect(
      coldStart(bundles.alertDelivery, { ...envOf('alertDelivery'), ARCHIVE_ALERT_QUEUE_URL: undefined }),
    ).rejects.toThrow(/ARCHIVE_ALERT_QUEUE_URL: must be set to the alert delivery queue URL/);
  });
});

describe('ingest -> stream -> alert-matcher -> queue -> alert-delivery -> webhook', () => {
  const alerts = { ok: { id: '', secret: '' }, down: { id: '', secret: '' } };

  it('on the AWS policy (no test switch) ingest refuses http and loopback webhooks', async () => {
    const strict = await start<Http>('ingest', {
      ...envOf('ingest'),
      ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP: undefined,
    });
    for (const webhookUrl of [`${receiver.url}/ok`, 'https://127.0.0.1/hook', 'https://169.254.169.254/']) {
      const refused = await createAlert(strict, { q: 'Geneva', webhookUrl });
      expect(refused, webhookUrl).toMatchObject({
        status: 422,
        body: { error: { code: 'invalid_webhook_url' } },
      });
    }
  });

  it('creates two alerts through the ingest function', async () => {
    const ok = await createAlert(ingest, { q: 'Geneva', webhookUrl: `${receiver.url}/ok` });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    alerts.ok = { id: ok.body.id, secret: ok.body.secret };
    const down = await createAlert(ingest, { q: 'Geneva', webhookUrl: `${receiver.url}/down` });
    expect(down.status).toBe(201);
    alerts.down = { id: down.body.id, secret: down.body.secret };
    const listed = await call(ingest, 'GET /alerts', '/alerts');
    expect(listed.body.alerts.map((a: { id: string }) => a.id).sort()).toEqual(
      [alerts.ok.id, alerts.down.id].sort(),
    );
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
  });

  let articleId = '';

  it('the matcher queues one message per matching alert for the stream record of an upload', async () => {
    const created = await call(ingest, 'POST /dispatches', '/dispatches', {
      body: SAMPLE,
      contentType: 'text/plain',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    articleId = created.body.id;
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: articleId } }, ConsistentRead: true }),
    );
    const image = unmarshall(Item ?? {});
    // An article no alert matches, and a record that does not decode: both pass without a message.
    const other = { ...image, id: 'other-article', title: 'Harbour cranes', paragraphs: ['Cranes moved.'] };
    const batch = streamEvent(TABLE, [
      buildChangeRecord(TABLE, null, image),
      buildChangeRecord(TABLE, null, { id: 'broken', version: 'one' }),
      buildChangeRecord(TABLE, null, other),
    ]);
    expect(await matcher.invoke(batch)).toEqual({ batchItemFailures: [] });
    expect(sqs.sent.map((m) => m.queueUrl)).toEqual([sqs.queueUrl(QUEUE), sqs.queueUrl(QUEUE)]);
    const queued = sqs.sent.map((m) => JSON.parse(m.body));
    expect(queued.map((q) => q.alertId).sort()).toEqual([alerts.ok.id, alerts.down.id].sort());
    for (const q of queued) expect(q.deliveryId).toBe(`${q.alertId}:${articleId}:1`);
  });

  let downMessage: QueuedMessage | undefined;

  it('the delivery function POSTs a correctly signed match; a failing receiver fails its item only', async () => {
    const batch = sqsEvent(QUEUE, firstReceives());
    const result = await delivery.invoke(batch);
    downMessage = firstReceives().find((m) => JSON.parse(m.body).alertId === alerts.down.id);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: downMessage?.messageId }] });

    const [got, ...more] = receiver.received.filter((r) => r.path === '/ok');
    expect(more).toEqual([]);
    expect(got?.headers['x-archive-alert-id']).toBe(alerts.ok.id);
    expect(got?.headers['x-archive-delivery-id']).toBe(`${alerts.ok.id}:${articleId}:1`);
    const signed = {
      signature: got?.headers[SIGNATURE_HEADER] as string,
      timestamp: got?.headers[TIMESTAMP_HEADER] as string,
    };
    expect(verifyDelivery(alerts.ok.secret, signed, got?.body ?? '')).toBe(true);
    expect(verifyDelivery(alerts.down.secret, signed, got?.body ?? '')).toBe(false);
    expect(JSON.parse(got?.body ?? '{}')).toMatchObject({
      type: 'article.matched',
      alertId: alerts.ok.id,
      change: 'created',
      article: { id: articleId, title: 'Syria Opposition Discuss US-Russia Peace Initiative', version: 1 },
    });

    // The failed message is made visible again after the first backoff (1-2 s), not the queue's 3 minutes.
    const downReceipt = batch.Records.find((r) => r.messageId === downMessage?.messageId)?.receiptHandle;
    expect(sqs.visibilityChanges).toEqual([
      { queueUrl: sqs.queueUrl(QUEUE), receiptHandle: downReceipt, visibilityTimeout: expect.any(Number) },
    ]);
    expect(sqs.visibilityChanges[0]?.visibilityTimeout).toBeGreaterThanOrEqual(1);
    expect(sqs.visibilityChanges[0]?.visibilityTimeout).toBeLessThanOrEqual(2);

    const ok = await call(ingest, 'GET /alerts/{id}', `/alerts/${alerts.ok.id}`);
    expect(ok.body).toMatchObject({ status: 'active', deliveries: 1, failures: 0 });
    const down = await call(ingest, 'GET /alerts/{id}', `/alerts/${alerts.down.id}`);
    expect(down.body).toMatchObject({
      status: 'active',
      failures: 1,
      lastFailure: { reason: 'the receiver answered HTTP 503' },
    });
  });

  it('SQS redelivers it; the last attempt parks the alert and ends the message', async () => {
    if (!downMessage) throw new Error('no message for the failing receiver');
    for (let receiveCount = 2; receiveCount <= MAX_ATTEMPTS; receiveCount++) {
      const result = await delivery.invoke(sqsEvent(QUEUE, [{ ...downMessage, receiveCount }]));
      const last = receiveCount === MAX_ATTEMPTS;
      expect(result, `receive ${receiveCount}`).toEqual({
        batchItemFailures: last ? [] : [{ itemIdentifier: downMessage.messageId }],
      });
    }
    // Backoffs grow with the attempt: 1-2 s, then 2-4 s (the last attempt sets none).
    expect(sqs.visibilityChanges.map((c) => c.visibilityTimeout)).toEqual([
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(sqs.visibilityChanges[1]?.visibilityTimeout).toBeGreaterThanOrEqual(2);
    const parked = await call(ingest, 'GET /alerts/{id}', `/alerts/${alerts.down.id}`);
    expect(parked.body).toMatchObject({
      status: 'parked',
      failures: MAX_ATTEMPTS,
      parkedReason: `${MAX_ATTEMPTS} attempts failed; the last: the receiver answered HTTP 503`,
    });
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(MAX_ATTEMPTS);

    // A redelivery after parking (the message raced the park) is dropped without a POST.
    const again = await delivery.invoke(
      sqsEvent(QUEUE, [{ ...downMessage, receiveCount: MAX_ATTEMPTS + 1 }]),
    );
    expect(again).toEqual({ batchItemFailures: [] });
    expect(receiver.received.filter((r) => r.path === '/down')).toHaveLength(MAX_ATTEMPTS);
  });

  it('a parked alert is no longer matched; a malformed message fails (the queue dead-letters it)', async () => {
    const before = sqs.sent.length;
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: articleId } }, ConsistentRead: true }),
    );
    const image = unmarshall(Item ?? {});
    const v2 = { ...image, version: 2 };
    expect(await matcher.invoke(streamEvent(TABLE, [buildChangeRecord(TABLE, image, v2)]))).toEqual({
      batchItemFailures: [],
    });
    const queued = sqs.sent.slice(before).map((m) => JSON.parse(m.body));
    expect(queued.map((q) => q.alertId)).toEqual([alerts.ok.id]);
    expect(queued[0]).toMatchObject({ deliveryId: `${alerts.ok.id}:${articleId}:2` });

    const malformed = await delivery.invoke(
      sqsEvent(QUEUE, [{ messageId: 'not-a-delivery', body: '{"hello":1}', receiveCount: 1 }]),
    );
    expect(malformed).toEqual({ batchItemFailures: [{ itemIdentifier: 'not-a-delivery' }] });
  });
});
