/** Realistic Lambda events, shaped as AWS delivers them, for the bundled-handler tests. */
import { createHash } from 'node:crypto';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayRequestAuthorizerEventV2,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import type { IngestKeyContext } from '../functions/authorizer';

const API_ID = 'a1b2c3d4e5';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * An HTTP API (payload 2.0) REQUEST authorizer event for a route, as API Gateway sends it when the
 * identity source (`$request.header.Authorization`) is present. Header names arrive lower-cased.
 */
export function authorizerEvent(
  routeKey: string,
  authorization: string,
  extraHeaders: Record<string, string> = {},
): APIGatewayRequestAuthorizerEventV2 {
  const [method = 'GET', rawPath = '/'] = routeKey.split(' ');
  const now = new Date();
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${API_ID}/$default/${method}${rawPath}`,
    identitySource: [authorization],
    routeKey,
    rawPath,
    rawQueryString: '',
    cookies: [],
    headers: {
      accept: '*/*',
      authorization,
      'content-length': '2048',
      'content-type': 'text/plain',
      host: `${API_ID}.execute-api.us-east-1.amazonaws.com`,
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-67890abc-0123456789abcdef01234567',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...extraHeaders,
    },
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      domainName: `${API_ID}.execute-api.us-east-1.amazonaws.com`,
      domainPrefix: API_ID,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'Jq4mYhp7IAMEVaw=',
      routeKey,
      stage: '$default',
      time: '27/Nov/2024:20:31:02 +0000',
      timeEpoch: now.getTime(),
    },
    pathParameters: rawPath.startsWith('/articles/') ? { id: rawPath.slice('/articles/'.length) } : {},
    stageVariables: {},
  };
}

export interface HttpRequest {
  /** Query string parameters; an array repeats the parameter (`tag=a&tag=b`). */
  query?: Record<string, string | string[]>;
  body?: string;
  contentType?: string;
  /** The context the key authorizer returned (write routes only). */
  authorizer?: IngestKeyContext;
  /** More headers (lower-case names, as API Gateway delivers them). */
  headers?: Record<string, string>;
}

/**
 * An HTTP API (payload 2.0) request event for a route, as API Gateway invokes an integration:
 * lower-cased headers, `rawQueryString` plus decoded `queryStringParameters` (repeated parameters
 * joined with commas), path parameters from the route key, a text body as is.
 *
 * @param routeKey the route as declared in the stack, e.g. `GET /articles/{id}`
 * @param path the concrete path, e.g. `/articles/abc`
 */
export function httpApiEvent(
  routeKey: string,
  path: string,
  request: HttpRequest = {},
): APIGatewayProxyEventV2WithLambdaAuthorizer<IngestKeyContext> {
  const [method = 'GET'] = routeKey.split(' ');
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(request.query ?? {})) {
    for (const one of [value].flat()) params.append(key, one);
  }
  const rawQueryString = params.toString();
  const queryStringParameters = Object.fromEntries(
    [...new Set(params.keys())].map((key) => [key, params.getAll(key).join(',')]),
  );
  const idMatch = /^\/articles\/([^/]+)$/.exec(path);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString,
    cookies: [],
    headers: {
      accept: 'application/json',
      host: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-67890abc-0123456789abcdef01234567',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(request.body !== undefined
        ? {
            'content-type': request.contentType ?? 'text/plain',
            'content-length': String(Buffer.byteLength(request.body)),
          }
        : {}),
      ...request.headers,
    },
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: API_ID,
      ...(request.authorizer ? { authorizer: { lambda: request.authorizer } } : {}),
      domainName: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
      domainPrefix: API_ID,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: `req-${now.getTime()}`,
      routeKey,
      stage: '$default',
      time: '27/Nov/2024:20:31:02 +0000',
      timeEpoch: now.getTime(),
    } as APIGatewayProxyEventV2WithLambdaAuthorizer<IngestKeyContext>['requestContext'],
    ...(idMatch?.[1] ? { pathParameters: { id: decodeURIComponent(idMatch[1]) } } : {}),
    ...(request.body !== undefined
      ? { body: request.body, isBase64Encoded: false }
      : { isBase64Encoded: false }),
  };
}

/**
 * A DynamoDB Streams batch as the event source mapping delivers it to the indexer: the records
 * with the region and stream ARN of the article table.
 */
export function streamEvent(tableName: string, records: DynamoDBRecord[]): DynamoDBStreamEvent {
  const streamArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${tableName}/stream/2024-11-27T20:00:00.000`;
  return { Records: records.map((r) => ({ ...r, awsRegion: REGION, eventSourceARN: streamArn })) };
}

/** A message as the SQS event source mapping hands it to a function, with its receive count. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  /** How many times SQS has delivered it, this time included (the attempt number). */
  receiveCount: number;
}

/** An SQS batch as the event source mapping delivers it: the messages of one queue. */
export function sqsEvent(queueName: string, messages: readonly QueuedMessage[]): SQSEvent {
  const now = Date.now();
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.messageId,
        // A new receipt handle per receive, as SQS issues them.
        receiptHandle: `AQEB${Buffer.from(`${m.messageId}:${m.receiveCount}`).toString('base64')}`,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(now - 1000),
          SenderId: 'AROAEXAMPLE:archive-alert-matcher',
          ApproximateFirstReceiveTimestamp: String(now),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(m.body, 'utf8').digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`,
        awsRegion: REGION,
      }),
    ),
  };
}
