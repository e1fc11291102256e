import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { publishRebuild, type RebuildItem } from '../../../search/src/rebuild';
import type { ArticleRepository } from '../../../store/src/article-repository';
import { DynamoArticleRepository } from '../../../store/src/article-repository';
import type { BlobStore } from '../../../store/src/blob-store';
import { FsBlobStore } from '../../../store/src/blob-store-fs';
import { S3BlobStore } from '../../../store/src/blob-store-s3';
import { createDynamoClients } from '../../../store/src/dynamo-client';
import { startLocalDynamo } from '../../../store/src/local-dynamo';
import { DEFAULT_KEYS_TABLE_NAME, DEFAULT_TABLE_NAME, ensureTables } from '../../../store/src/tables';
import { CliError, type CliIo } from '../io';

interface ReindexOptions {
  aws?: boolean;
  dataDir?: string;
}

/**
 * `reindex`: rebuilds the search index from a full scan of the store and publishes it as the
 * next snapshot version (the same compare-and-swap as the indexer, so a concurrent indexer's
 * update is never overwritten: the rebuild rescans instead). Locally it works on the data dir
 * (stop `npm start` first: the data dir is locked while it runs); with `--aws` on the table
 * `ARCHIVE_TABLE_NAME` and the bucket `ARCHIVE_INDEX_BUCKET` (prefix `ARCHIVE_INDEX_PREFIX`).
 */
export function registerReindexCommand(program: Command, io: CliIo): void {
  program
    .command('reindex')
    .description('rebuild the search index from a full scan of the store and publish it')
    .option('--aws', 'use the table and bucket on AWS (ARCHIVE_TABLE_NAME, ARCHIVE_INDEX_BUCKET, AWS_REGION)')
    .option('--data-dir <dir>', 'local data dir (default: $ARCHIVE_DATA_DIR or ./.archive)')
    .action(async (options: ReindexOptions) => {
      const started = performance.now();
      await withStoreAndBlobs(options, io, async (repository, blobs) => {
        let articles = 0;
        let removed = 0;
        const scan = async function* (): AsyncIterable<RebuildItem> {
          articles = 0;
          removed = 0;
          for await (const change of repository.scanChanges()) {
            if (change.kind === 'upsert') {
              articles++;
              yield change.article;
            } else {
              removed++;
              yield { id: change.id, version: change.version, removed: true };
            }
          }
        };
        const { manifest, attempts } = await publishRebuild(blobs, scan);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        io.out(
          `published index version ${manifest.version}: ${articles} articles, ${removed} taken down` +
            ` (${seconds} s${attempts > 1 ? `, ${attempts} scans` : ''})\n`,
        );
      });
    });
}

async function withStoreAndBlobs(
  options: ReindexOptions,
  io: CliIo,
  run: (repository: ArticleRepository, blobs: BlobStore) => Promise<void>,
): Promise<void> {
  const tableName = io.env.ARCHIVE_TABLE_NAME ?? DEFAULT_TABLE_NAME;
  if (options.aws) {
    const bucket = io.env.ARCHIVE_INDEX_BUCKET;
    if (!bucket) throw new CliError('--aws needs ARCHIVE_INDEX_BUCKET (the stack output IndexBucketName)');
    const clients = createDynamoClients({ endpoint: io.env.DYNAMODB_ENDPOINT });
    const s3 = new S3Client({ endpoint: io.env.S3_ENDPOINT, forcePathStyle: Boolean(io.env.S3_ENDPOINT) });
    try {
      const blobs = new S3BlobStore({ client: s3, bucket, prefix: io.env.ARCHIVE_INDEX_PREFIX ?? 'index/' });
      await run(new DynamoArticleRepository({ doc: clients.doc, tableName }), blobs);
    } finally {
      clients.client.destroy();
      s3.destroy();
    }
    return;
  }
  const dataDir = resolve(options.dataDir ?? io.env.ARCHIVE_DATA_DIR ?? './.archive');
  const local = await startLocalDynamo({ dataDir });
  const clients = createDynamoClients({ endpoint: local.endpoint });
  try {
    await ensureTables(clients.client, {
      tableName,
      keysTableName: io.env.ARCHIVE_KEYS_TABLE_NAME ?? DEFAULT_KEYS_TABLE_NAME,
    });
    const repository = new DynamoArticleRepository({ doc: clients.doc, tableName });
    await run(repository, new FsBlobStore(join(dataDir, 'index')));
  } finally {
    clients.client.destroy();
    await local.close();
  }
}
