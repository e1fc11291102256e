/** Realistic Lambda events, shaped as AWS delivers them, for the bundled-handler tests. */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

const API_ID = 'a1b2c3d4e5';
const ACCOUNT = '123456789012';

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
