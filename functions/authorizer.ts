/**
 * API Gateway HTTP API (v2) REQUEST authorizer for the write routes, with simple responses.
 *
 * Reads `Authorization: Bearer <key>`, hashes the key with SHA-256 and looks the hash up in the ingest
 * key table (partition key `keyHash`; a `revokedAt` time means revoked). Only hashes are stored,
 * so a leaked table does not leak usable keys. API Gateway caches each decision per Authorization
 * header for the authorizer's `resultsCacheTtl`, which bounds both the cost and the revocation delay.
 *
 * Scopes: a key's `scopes` attribute (absent on keys made before scopes: an ingest key) says what
 * it may do. `/alerts` routes need `alerts` or `ingest`; every other write route `ingest`. Because
 * API Gateway caches a decision per header and authorizer, not per route, the stack gives the
 * alert routes an authorizer of their own (same function): an alerts-only key allowed on `/alerts`
 * is never a cached allow on `POST /dispatches`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { authorizerConfigSchema } from './authorizer-config';
import { readConfig } from './read-config';

/** What the integration sees in `requestContext.authorizer.lambda` for an authorised request. */
export interface IngestKeyContext {
  keyName: string;
}

/** A route's scope: `/alerts` and `/alerts/{id}` take an alerts key; other write routes an ingest key. */
export function scopeOfRoute(routeKey: string): 'ingest' | 'alerts' {
  const path = routeKey.split(' ')[1] ?? '';
  return path === '/alerts' || path.startsWith('/alerts/') ? 'alerts' : 'ingest';
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<
  IngestKeyContext | Record<string, never>
>;

// Read once at start: a missing table name is a deployment error, so the cold start fails loudly.
const config = readConfig('authorizer', authorizerConfigSchema);
const KEYS_TABLE = config.ARCHIVE_KEYS_TABLE_NAME;

const logger = new Logger({ serviceName: 'archive-authorizer' });
const dynamodb = new DynamoDBClient(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {});

/**
 * Keys are long random tokens; anything outside these bounds cannot be one, so skip the lookup.
 * The characters are RFC 6750's b64token, `_` included: the key store's keys are `dak_` + base64url.
 */
const BEARER = /^Bearer +([\w.~+/=-]{16,512})$/i;

const DENY: AuthorizerResult = { isAuthorized: false, context: {} };

/**
 * Hex SHA-256 of an ingest key: the only form in which keys are stored (same as the key store's).
 *
 * @param key the bearer key as sent by the client
 */
export function hashIngestKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Decides whether a write request carries a valid, unrevoked ingest key.
 *
 * A store failure is thrown, not turned into a deny: API Gateway then answers 500 without caching the
 * decision (a cached deny would lock out a valid key for the whole cache period) and the API 5xx
 * alarm sees it.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
  const header = event.headers?.authorization ?? event.identitySource?.[0] ?? '';
  const match = BEARER.exec(header.trim());
  if (!match?.[1]) {
    logger.info('denied: malformed Authorization header', { routeKey: event.routeKey });
    return DENY;
  }
  const presentedHash = hashIngestKey(match[1]);

  const { Item: item } = await dynamodb.send(
    new GetItemCommand({
      TableName: KEYS_TABLE,
      Key: { keyHash: { S: presentedHash } },
      ProjectionExpression: 'keyHash, #name, revokedAt, scopes',
      ExpressionAttributeNames: { '#name': 'name' },
    }),
  );
  const storedHash = item?.keyHash?.S;
  // The lookup already matched on the hash; comparing again in constant time costs nothing and keeps
  // the decision independent of how the store compares keys.
  if (!storedHash || !hashesEqual(storedHash, presentedHash)) {
    logger.info('denied: unknown key', { routeKey: event.routeKey });
    return DENY;
  }
  // The key store writes `revokedAt: null` (a NULL attribute) for an active key: only a time revokes.
  if (item.revokedAt?.S !== undefined) {
    logger.info('denied: revoked key', { routeKey: event.routeKey, keyName: item.name?.S });
    return DENY;
  }
  // Stored as a list by the key store; a string set is read alike.
  const scopes = item.scopes ? (item.scopes.L?.map((s) => s.S) ?? item.scopes.SS ?? []) : ['ingest'];
  const needed = scopeOfRoute(event.routeKey);
  if (!scopes.includes('ingest') && !scopes.includes(needed)) {
    logger.info('denied: key lacks the scope', { routeKey: event.routeKey, keyName: item.name?.S, needed });
    return DENY;
  }
  return { isAuthorized: true, context: { keyName: item.name?.S ?? 'unnamed' } };
};

function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
