import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoArticleRepository } from '@archive/store';
import type { Command } from 'commander';
import type { CliIo } from '../io';
import { withStore } from '../store-session';

interface QuarantineOptions {
  aws?: boolean;
  dataDir?: string;
  repair?: boolean;
}

/**
 * `quarantine`: lists the stored items that are not readable articles (the server skips them and
 * reports them in `/health`); with `--repair` each one is copied aside as JSON
 * (`<data dir>/quarantine/<id>.json`, or the current directory with `--aws`) and replaced by a
 * tombstone, so reads, search and restarts are clean and a re-upload with `?restore=true`
 * brings the article back.
 */
export function registerQuarantineCommand(program: Command, io: CliIo): void {
  program
    .command('quarantine')
    .description('list stored items that cannot be read; --repair sets them aside and takes them down')
    .option('--repair', 'copy each unreadable item to quarantine/<id>.json and replace it by a tombstone')
    .option('--aws', 'use the table on AWS (ARCHIVE_TABLE_NAME, AWS_REGION)')
    .option('--data-dir <dir>', 'local data dir (default: $ARCHIVE_DATA_DIR or ./.archive)')
    .action(async (options: QuarantineOptions) => {
      await withStore({ remote: Boolean(options.aws), dataDir: options.dataDir }, io, async (session) => {
        const repository = new DynamoArticleRepository({
          doc: session.clients.doc,
          tableName: session.tableName,
          changeLogTableName: session.changeLogTableName,
          onUnreadable: () => {},
        });
        const asideDir = join(session.dataDir ?? '.', 'quarantine');
        let found = 0;
        for await (const unreadable of repository.scanUnreadable()) {
          found++;
          io.out(`${unreadable.id}\t${unreadable.reason}\n`);
          if (!options.repair) continue;
          await mkdir(asideDir, { recursive: true });
          const file = join(asideDir, `${encodeURIComponent(unreadable.id)}.json`);
          await writeFile(file, `${JSON.stringify(unreadable.item, null, 2)}\n`);
          const outcome = await repository.takeDown(unreadable.id);
          io.out(
            `  set aside in ${file}; ${outcome.status === 'taken_down' ? 'taken down' : outcome.status}\n`,
          );
        }
        io.out(
          found === 0
            ? 'no unreadable items\n'
            : `${found} unreadable item${found === 1 ? '' : 's'}${options.repair ? ' repaired' : ' (repair with --repair)'}\n`,
        );
      });
    });
}
