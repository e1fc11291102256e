import { join } from 'node:path';
import type { BlobStore } from '@archive/core';
import { publishRebuild, type RebuildItem } from '@archive/search';
import type { ArticleRepository } from '@archive/store';
import { DynamoArticleRepository, FsBlobStore, indexBlobStore, indexS3Client } from '@archive/store';
import type { Command } from 'commander';
import { CliError, type CliIo } from '../io';
import { withStore } from '../store-session';

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
    .description(
      'rebuild the search index from a full scan of the store and publish it; locally, with the server stopped',
    )
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
  const bucket = io.env.ARCHIVE_INDEX_BUCKET;
  if (options.aws && !bucket) {
    throw new CliError('--aws needs ARCHIVE_INDEX_BUCKET (the stack output IndexBucketName)');
  }
  // Ours to destroy when done: open sockets would keep the command from exiting.
  const s3Client = options.aws ? indexS3Client(io.env.S3_ENDPOINT) : undefined;
  try {
    await withStore(
      { remote: Boolean(options.aws), dataDir: options.dataDir },
      io,
      ({ clients, tableName, dataDir }) => {
        const repository = new DynamoArticleRepository({ doc: clients.doc, tableName });
        const blobs =
          dataDir === null
            ? indexBlobStore({
                bucket: bucket as string,
                prefix: io.env.ARCHIVE_INDEX_PREFIX ?? 'index/',
                s3Client,
              })
            : new FsBlobStore(join(dataDir, 'index'));
        return run(repository, blobs);
      },
    );
  } finally {
    s3Client?.destroy();
  }
}
