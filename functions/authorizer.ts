/**
 * API Gateway HTTP API (v2) REQUEST authorizer for the write routes, with simple responses.
 *
 * Reads `Authorization: Bearer <key>`, hashes the key with SHA-256 and looks the hash up in the ingest
 * key table (partition key `keyHash`; a `revokedAt` attribute means revoked). Only hashes are stored,
 * so a leaked table does not leak usable keys. API Gateway caches each decision per Authorization
 * header for the authorizer's `resultsCacheTtl`, which bounds both the cost and the revocation delay.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';

/** What the integration sees in `requestContext.authorizer.lambda` for an authorised request. */
export interface IngestKeyContext {
  keyName: string;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<
  IngestKeyContext | Record<string, never>
>;

/** Read once at start: a missing table name is a deployment error, so fail the cold start loudly. */
function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set to the ingest key table name`);
  return value;
}

const KEYS_TABLE = requiredEnv('ARCHIVE_KEYS_TABLE_NAME');
const DYNAMODB_ENDPOINT = process.env.DYNAMODB_ENDPOINT || undefined;

const logger = new Logger({ serviceName: 'archive-authorizer' });
const dynamodb = new DynamoDBClient(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {});

/** Keys are long random tokens; anything outside these bounds cannot be one, so skip the lookup. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]{16,512})$/i;

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
      ProjectionExpression: 'keyHash, #name, revokedAt',
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
  if (item.revokedAt !== undefined) {
    logger.info('denied: revoked key', { routeKey: event.routeKey, keyName: item.name?.S });
    return DENY;
  }
  return { isAuthorized: true, context: { keyName: item.name?.S ?? 'unnamed' } };
};

function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
