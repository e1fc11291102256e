/**
 * Articles Lambda: `GET /articles/{id}`, `DELETE /articles/{id}` (takedown), `GET /stories/{id}`
 * and `GET /health`.
 * The DELETE route is authorised by API Gateway's authorizer before the function runs, so the
 * function trusts the request (see docs/DEPLOY.md).
 */

import { createApp, registerDocsRoutes, trustApiGatewayAuthorizer } from '@archive/api';
import { createDynamoClients, DynamoArticleRepository, DynamoStoryStore } from '@archive/store';
import { Logger } from '@aws-lambda-powertools/logger';
import { handle } from 'hono/aws-lambda';
import { readFunctionConfig } from './config';

const config = readFunctionConfig('articles');
const logger = new Logger({
  serviceName: 'archive-articles',
  logLevel: config.LOG_LEVEL.toUpperCase() as 'INFO',
});
const { doc } = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT });
const repository = new DynamoArticleRepository({ doc, tableName: config.ARCHIVE_TABLE_NAME });
const stories = config.ARCHIVE_STORY_TABLE_NAME
  ? { stories: new DynamoStoryStore(doc, config.ARCHIVE_STORY_TABLE_NAME), repository }
  : undefined;

export const handler = handle(
  createApp({
    articles: { repository },
    // The API's description and its reference page live here rather than in the search function:
    // generating it from the zod schemas brings ~0.4 MB of code, which the search function's cold
    // start (the one readers wait for) should not load.
    extraRoutes: registerDocsRoutes,
    ...(stories ? { stories } : {}),
    authorize: trustApiGatewayAuthorizer,
    logger: { error: (message, ...details) => logger.error(message, { details }) },
  }),
);
