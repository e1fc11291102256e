/**
 * Ingest Lambda: `POST /dispatches`. Behind API Gateway, whose authorizer has already checked
 * the ingest key (see docs/DEPLOY.md), so the function trusts the request.
 */

import { createApp, StoryAssigner, trustApiGatewayAuthorizer } from '@archive/api';
import { createDynamoClients, DynamoArticleRepository, DynamoStoryStore } from '@archive/store';
import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { readFunctionConfig } from './config';

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

export const handler = handle(
  createApp({
    ingest: { repository, stories },
    authorize: trustApiGatewayAuthorizer,
    healthRoute: false,
    logger: { error: (message, ...details) => logger.error(message, { details }) },
  }),
);
