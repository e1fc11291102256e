/**
 * Ingest Lambda: `POST /dispatches`, and the alert routes (`POST|GET /alerts`, `GET|DELETE
 * /alerts/{id}`) when the alert table is bound. Behind API Gateway, whose authorizer has already
 * checked the key and its scope (see docs/DEPLOY.md), so the function trusts the request.
 * Matching and delivery of alerts run elsewhere: functions/alert-matcher.ts, alert-delivery.ts.
 */

import { AlertRegistry, createApp, StoryAssigner, trustApiGatewayAuthorizer } from '@archive/api';
import {
  createDynamoClients,
  DynamoAlertStore,
  DynamoArticleRepository,
  DynamoStoryStore,
} from '@archive/store';
import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { readFunctionConfig } from './config';
import { functionWebhookPolicy } from './webhook-policy';

const config = readFunctionConfig('ingest');
const logger = new Logger({
  serviceName: 'archive-ingest',
  logLevel: config.LOG_LEVEL.toUpperCase() as 'INFO',
});
const { doc } = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT });
const repository = new DynamoArticleRepository({ doc, tableName: config.ARCHIVE_TABLE_NAME });
const stories = config.ARCHIVE_STORY_TABLE_NAME
  ? new StoryAssigner(new DynamoStoryStore(doc, config.ARCHIVE_STORY_TABLE_NAME))
  : undefined;
// No known count: several instances create alerts, so the limit is checked against the table.
const alerts = config.ARCHIVE_ALERT_TABLE_NAME
  ? new AlertRegistry(new DynamoAlertStore(doc, config.ARCHIVE_ALERT_TABLE_NAME), {
      policy: functionWebhookPolicy(config.ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP),
    })
  : undefined;

export const handler = handle(
  createApp({
    ingest: { repository, stories },
    ...(alerts ? { alerts: { alerts } } : {}),
    authorize: trustApiGatewayAuthorizer,
    healthRoute: false,
    logger: { error: (message, ...details) => logger.error(message, { details }) },
  }),
);
