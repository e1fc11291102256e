/**
 * Ingest Lambda: `POST /dispatches`. Behind API Gateway, whose authorizer has already checked
 * the ingest key (see docs/DEPLOY.md), so the function trusts the request.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { createApp } from '../packages/api/src/app';
import { trustApiGatewayAuthorizer } from '../packages/api/src/auth';
import { StoryAssigner } from '../packages/api/src/story-assigner';
import { DynamoArticleRepository } from '../packages/store/src/article-repository';
import { createDynamoClients } from '../packages/store/src/dynamo-client';
import { DynamoStoryStore } from '../packages/store/src/story-store';
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
