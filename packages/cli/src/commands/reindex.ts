import type { Command } from 'commander';
import { CliError, type CliIo } from '../io';

/**
 * `reindex`: rebuild the search index snapshot from a full scan of the store
 * (`ArticleRepository.scanChanges()`). The slot is here; the index builder wires in.
 */
export function registerReindexCommand(program: Command, _io: CliIo): void {
  program
    .command('reindex')
    .description('rebuild the search index from a full scan of the store')
    .action(async () => {
      throw new CliError('reindex is not available yet: the index builder is not wired in', 2);
    });
}
