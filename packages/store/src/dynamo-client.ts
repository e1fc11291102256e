import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DYNAMO_RETRY } from './transient-errors';

export interface DynamoClientOptions {
  /** `DYNAMODB_ENDPOINT`: set locally (dynalite) or for DynamoDB Local; unset on AWS. */
  endpoint?: string;
  /** Defaults to the SDK's own resolution on AWS, `local` when an endpoint is given. */
  region?: string;
}

export interface DynamoClients {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

/**
 * Builds the low-level and document clients the store uses.
 *
 * With an explicit endpoint (dynalite) we pin dummy credentials and a region so the SDK never
 * looks for real ones (no env, no instance metadata): local runs need no AWS account.
 */
export function createDynamoClients(options: DynamoClientOptions = {}): DynamoClients {
  const config: DynamoDBClientConfig = {
    // Bounded retries with full jitter (the SDK's standard mode), and a timeout per attempt so a
    // stalled connection becomes a retry and then a 503, never a request hanging for minutes.
    maxAttempts: DYNAMO_RETRY.maxAttempts,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      // dynalite runs in this process: a slow answer is this process being busy, not a lost
      // connection, and retrying it would only add load.
      requestTimeout: options.endpoint ? DYNAMO_RETRY.localRequestTimeoutMs : DYNAMO_RETRY.requestTimeoutMs,
      connectionTimeout: options.endpoint
        ? DYNAMO_RETRY.localRequestTimeoutMs
        : DYNAMO_RETRY.connectionTimeoutMs,
    }),
  };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    config.region = options.region ?? 'local';
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  } else if (options.region) {
    config.region = options.region;
  }
  const client = new DynamoDBClient(config);
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, doc };
}
