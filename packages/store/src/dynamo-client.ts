import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
  const config: DynamoDBClientConfig = {};
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
