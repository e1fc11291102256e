/**
 * Search Lambda: `GET /search`, `GET /suggest` and `GET /health`, answered from the in-memory index.
 *
 * The current publication (its segments) is loaded during Lambda's init phase (top-level await,
 * which the ESM bundle allows): init runs at full CPU whatever the memory size and is not billed
 * against the request's timeout, and a request never meets a half-loaded index. With nothing
 * published yet (empty bucket) the function serves an empty index. Afterwards
 * `IndexLoader.current()` starts a conditional read of the manifest at most every
 * `ARCHIVE_INDEX_REFRESH_MS`, and a new publication costs this function only its new segments
 * (refresh by delta, docs/INDEX-LIFECYCLE.md).
 *
 * `ARCHIVE_SEARCH_WORKERS` (worker threads holding whole-snapshot partitions) is not used with
 * segments: a refresh by delta needs the segments in this thread. It is logged when set.
 *
 * A failure to read the bucket at init fails the cold start (Lambda retries init on the next
 * request, and the API 5xx alarm sees it) rather than silently serving an empty archive.
 *
 * With `ARCHIVE_PARTITION_FUNCTIONS` set (the stack does when it deploys partition functions), this
 * function is the coordinator: it loads nothing, asks every partition function what it holds at
 * init (which wakes cold ones together), and answers each request from their rounds through Lambda's
 * Invoke API (packages/search/src/partitions/remote-search.ts). Its cold start no longer grows with
 * the archive; a partition function that fails to answer makes answers `incomplete`, never a 5xx.
 */

import { createApp, describeStories } from '@archive/api';
import type { Searcher } from '@archive/search';
import { IndexLoader, indexHealth, RemotePartitionHost, RemoteSearch } from '@archive/search';
import {
  createDynamoClients,
  DynamoArticleRepository,
  DynamoStoryStore,
  indexBlobStore,
  LambdaPartitionTransport,
  partitionLambdaClient,
} from '@archive/store';
import { registerPageRoutes } from '@archive/web';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import { type FunctionConfig, readFunctionConfig } from './config';

/** Rows of one export on AWS: ~600 bytes each keeps the buffered answer well under Lambda's 6 MB. */
const AWS_EXPORT_MAX_ROWS = 5000;

async function startSearchFunction() {
  const config = readFunctionConfig('search');
  const logger = new Logger({ serviceName: 'archive-search' });
  if (config.ARCHIVE_PARTITION_FUNCTIONS) return startCoordinator(config, logger);
  const store = indexBlobStore({
    bucket: config.ARCHIVE_INDEX_BUCKET,
    prefix: config.ARCHIVE_INDEX_PREFIX,
    s3Endpoint: config.S3_ENDPOINT,
  });
  if (config.ARCHIVE_SEARCH_WORKERS) {
    logger.warn('ARCHIVE_SEARCH_WORKERS is ignored: segments are searched in this thread');
  }

  // Started first so the segment downloads overlap building the app below.
  const opening = IndexLoader.open({
    store,
    refreshIntervalMs: config.ARCHIVE_INDEX_REFRESH_MS,
    // A failed freshness check keeps the current index served; the next request tries again.
    onError: (error) => logger.error('index refresh failed', { error: errorDetails(error) }),
  });

  const app = searchApp(
    config,
    logger,
    () => loader.current().index,
    async () => ({
      // No article count from the table (search may only get items, for the article page): the
      // index's own size and age say what /health needs to say about search.
      index: indexHealth(loader.current(), Date.now()),
    }),
  );

  const loader = await opening;
  logger.info('index loaded', { ...indexHealth(loader.current(), Date.now()) });
  return handle(app);
}

/** The app of the search function, whichever way its index is held. */
function searchApp(
  config: FunctionConfig<'search'>,
  logger: Logger,
  getIndex: () => Searcher,
  health: () => Promise<Record<string, unknown>>,
) {
  // The reader's pages ask the API in process: search, suggest and /similar from this app, the
  // article itself through the articles route (same validation and errors) over a read-only table.
  const { doc } = createDynamoClients({ endpoint: config.DYNAMODB_ENDPOINT });
  // Internal only (API Gateway sends /articles/{id} to the articles function); no authorize, so its
  // DELETE route refuses everything.
  const repository = new DynamoArticleRepository({ doc, tableName: config.ARCHIVE_TABLE_NAME });
  // The story page and story sizes (collapse=story) read the story table when it is bound: one
  // Query of a story's members, then its articles (BatchGetItem).
  const stories = config.ARCHIVE_STORY_TABLE_NAME
    ? { stories: new DynamoStoryStore(doc, config.ARCHIVE_STORY_TABLE_NAME), repository }
    : undefined;
  const articleRoutes = createApp({
    articles: { repository },
    ...(stories ? { stories } : {}),
    healthRoute: false,
  });
  const pageApi = (path: string) =>
    Promise.resolve(
      /^\/(articles|stories)\/[^/?]+$/.test(path) ? articleRoutes.request(path) : app.request(path),
    );

  const app = createApp({
    // Feeds and exports from the index alone (this function has no table access): entries and rows
    // carry the snippet, not the full text.
    search: {
      getIndex,
      ...(stories ? { describeStories: (ids: readonly string[]) => describeStories(stories, ids) } : {}),
      // Related articles: the article's words (one item read) as a query over this index.
      getArticle: (id) => repository.get(id),
      exports: {
        // API Gateway buffers a Lambda's answer (6 MB at most): an export here is one page of rows
        // at most this long; page further with narrower date ranges.
        maxRows: AWS_EXPORT_MAX_ROWS,
        concurrency: 1,
        logError: (message, error) => logger.error(message, { error: errorDetails(error) }),
      },
    },
    // Without the story table (a stack that does not bind it) no story page: results say their
    // story's size without linking to it.
    extraRoutes: (routes) => registerPageRoutes(routes, { api: pageApi, storyPages: stories !== undefined }),
    health,
    logger: { error: (message, ...details) => logger.error(message, { details }) },
  });
  return app;
}

/** The search function as coordinator of partition functions (see the module comment). */
async function startCoordinator(config: FunctionConfig<'search'>, logger: Logger) {
  const names = (config.ARCHIVE_PARTITION_FUNCTIONS ?? '').split(',');
  const client = partitionLambdaClient({
    ...(config.LAMBDA_ENDPOINT ? { endpoint: config.LAMBDA_ENDPOINT } : {}),
    attemptTimeoutMs: Math.min(2500, config.ARCHIVE_PARTITION_TIMEOUT_MS),
  });
  const search = await RemoteSearch.open(
    names.map(
      (name) =>
        new RemotePartitionHost(
          name,
          new LambdaPartitionTransport({
            client,
            functionName: name,
            callTimeoutMs: config.ARCHIVE_PARTITION_TIMEOUT_MS,
          }),
        ),
    ),
    // Partition functions refresh on the same interval: what they hold can change no faster.
    {
      describeAfterMs: config.ARCHIVE_INDEX_REFRESH_MS,
      onIncomplete: (missing) => logger.warn('incomplete answer', { ...missing }),
    },
  );
  const startedAt = new Date().toISOString();
  const app = searchApp(
    config,
    logger,
    () => search,
    async () => ({
      index: {
        articles: search.size,
        partitions: search.partitions.length,
        partitionFunctions: names.length,
        version: search.indexVersion,
        loadedAt: startedAt,
      },
    }),
  );
  logger.info('coordinator ready', { partitionFunctions: names, partitions: search.partitions.length });
  return handle(app);
}

function errorDetails(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

export const handler: (event: LambdaEvent) => Promise<unknown> = await startSearchFunction();
