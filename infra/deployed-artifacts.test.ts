/**
 * Deployed artifacts work, the key authorizer: bundled with the stack's own esbuild options, loaded
 * as Lambda loads it, and invoked with API Gateway's REQUEST authorizer events against dynalite.
 * The ingest -> indexer -> search -> articles path is in `deployed-pipeline.test.ts`.
 */

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createDynamoClients, KeyStore } from '@archive/store';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizerResult } from '../functions/authorizer';
import {
  type BundledHandler,
  bundleFunction,
  coldStart,
  startDynalite,
  TEST_AWS_ENV,
} from './bundled-handlers';
import { authorizerEvent } from './lambda-events';

type Authorizer = BundledHandler<APIGatewayRequestAuthorizerEventV2, AuthorizerResult>;

const KEYS_TABLE = 'ingest-keys';
const VALID_KEY = 'ak_live_3q2Jd8wZp1XkYb7TnR4sVf6uLm9Hc0Ge';
const REVOKED_KEY = 'ak_live_Rv0kedRv0kedRv0kedRv0kedRv0ked00';
const sha256 = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let bundle: string;
let authorizer: Authorizer;
/** Made by the key store itself, so the authorizer reads the scopes as the store writes them. */
let alertsKey = '';

beforeAll(async () => {
  dynamo = await startDynalite();
  bundle = await bundleFunction('authorizer');
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // The keys table exactly as the stack (and the key store) define it.
  await client.send(
    new CreateTableCommand({
      TableName: KEYS_TABLE,
      KeySchema: [{ AttributeName: 'keyHash', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'keyHash', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName: KEYS_TABLE,
      Item: {
        keyHash: { S: sha256(VALID_KEY) },
        name: { S: 'newsroom-importer' },
        createdAt: { S: '2024-11-27T20:00:00.000Z' },
      },
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName: KEYS_TABLE,
      Item: {
        keyHash: { S: sha256(REVOKED_KEY) },
        name: { S: 'old-laptop' },
        createdAt: { S: '2024-01-02T09:00:00.000Z' },
        revokedAt: { S: '2024-11-01T12:00:00.000Z' },
      },
    }),
  );
  client.destroy();
  const clients = createDynamoClients({ endpoint: dynamo.endpoint });
  alertsKey = (await new KeyStore(clients.doc, KEYS_TABLE).create('alert-desk', ['alerts'])).key;
  clients.client.destroy();
  authorizer = await coldStart(bundle, {
    ...TEST_AWS_ENV,
    ARCHIVE_KEYS_TABLE_NAME: KEYS_TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
  });
});

afterAll(async () => {
  await authorizer?.close();
  await dynamo?.close();
});

describe('authorizer bundle', () => {
  it('is an ESM bundle that leaves the AWS SDK to the runtime', () => {
    const source = readFileSync(bundle, 'utf8');
    expect(source).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    expect(source).not.toContain('@smithy/smithy-client');
    expect(statSync(bundle).size).toBeLessThan(200_000);
  });

  it('authorises a known key and names it in the context', async () => {
    const result = await authorizer.invoke(authorizerEvent('POST /dispatches', `Bearer ${VALID_KEY}`));
    expect(result).toEqual({ isAuthorized: true, context: { keyName: 'newsroom-importer' } });
  });

  it('accepts the scheme in any case (RFC 7235)', async () => {
    const result = await authorizer.invoke(authorizerEvent('DELETE /articles/abc123', `bearer ${VALID_KEY}`));
    expect(result.isAuthorized).toBe(true);
  });

  it('denies an unknown key, a revoked key, and malformed headers', async () => {
    const denied = [
      `Bearer ${VALID_KEY.slice(0, -1)}x`,
      `Bearer ${REVOKED_KEY}`,
      `Basic ${Buffer.from(`user:${VALID_KEY}`).toString('base64')}`,
      'Bearer',
      'Bearer short',
      `Bearer ${VALID_KEY} trailing`,
      `Bearer ${'a'.repeat(10_000)}`,
      '',
    ];
    for (const header of denied) {
      const result = await authorizer.invoke(authorizerEvent('POST /dispatches', header));
      expect(result, header.slice(0, 40)).toEqual({ isAuthorized: false, context: {} });
    }
  });

  it('scopes: an alerts key passes the alert routes only; an ingest key passes those too', async () => {
    const decide = async (routeKey: string, key: string) =>
      (await authorizer.invoke(authorizerEvent(routeKey, `Bearer ${key}`))).isAuthorized;
    for (const route of ['POST /alerts', 'GET /alerts', 'GET /alerts/{id}', 'DELETE /alerts/{id}']) {
      expect(await decide(route, alertsKey), route).toBe(true);
      // A key stored before scopes existed (no attribute) is an ingest key.
      expect(await decide(route, VALID_KEY), route).toBe(true);
      expect(await decide(route, REVOKED_KEY), route).toBe(false);
    }
    expect(await decide('POST /dispatches', alertsKey)).toBe(false);
    expect(await decide('DELETE /articles/{id}', alertsKey)).toBe(false);
  });

  it('throws (API Gateway answers 500, nothing cached) when the key store fails', async () => {
    const broken: Authorizer = await coldStart(bundle, {
      ...TEST_AWS_ENV,
      ARCHIVE_KEYS_TABLE_NAME: 'no-such-table',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    });
    try {
      await expect(
        broken.invoke(authorizerEvent('POST /dispatches', `Bearer ${VALID_KEY}`)),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    } finally {
      await broken.close();
    }
  });

  it('fails the cold start with a clear message when the table name is missing', async () => {
    await expect(coldStart(bundle, { ...TEST_AWS_ENV, ARCHIVE_KEYS_TABLE_NAME: undefined })).rejects.toThrow(
      /ARCHIVE_KEYS_TABLE_NAME: must be set to the ingest key table name/,
    );
  });
});
