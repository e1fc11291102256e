import { stat } from 'node:fs/promises';
import { isTimeZone } from '@archive/api';
import type { DispatchInput } from '@archive/core';
import { findDispatchFiles, parseFieldMapping, readDispatches } from '@archive/local';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { BATCH_LIMIT, type Ingestor, localIngestor, remoteIngestor } from '../ingestors';
import { CliError, type CliIo } from '../io';
import { ImportSummary } from '../summary';

export interface ImportOptions {
  url?: string;
  key?: string;
  dataDir?: string;
  map?: string;
  timeZone?: string;
  source?: string;
  restore?: boolean;
  batchSize: number;
}

export function registerImportCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('import')
    .description('import dispatch files (.txt raw, .json, .jsonl/.ndjson) or directories of them')
    .argument('<paths...>', 'files or directories (searched recursively)')
    .option('--url <url>', 'send to a running server instead of writing into the local data dir')
    .option('--key <key>', 'ingest key for --url (default: $ARCHIVE_INGEST_KEY)')
    .option('--data-dir <dir>', 'local data dir when no --url (default: $ARCHIVE_DATA_DIR or ./.archive)')
    .option(
      '--map <mapping>',
      'rename record fields: target=source,... e.g. title=headline,body=text,publishedAt=date',
    )
    .option('--time-zone <zone>', 'IANA zone for times that carry no offset and no known place, e.g. UTC')
    .option('--source <name>', 'source to record for dispatches that name none')
    .option('--restore', 'bring back taken-down articles that are uploaded again')
    .option('--batch-size <n>', `dispatches per batch (1-${BATCH_LIMIT.items})`, parseBatchSize, 250)
    .action(async (paths: string[], options: ImportOptions) => {
      const summary = await runImport(paths, options, io);
      setExitCode(summary.failed > 0 ? 1 : 0);
    });
}

function parseBatchSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > BATCH_LIMIT.items) {
    throw new CliError(`--batch-size must be an integer from 1 to ${BATCH_LIMIT.items}`);
  }
  return size;
}

/** Reads the files, sends them in batches, prints progress and the summary; returns the counts. */
export async function runImport(paths: string[], options: ImportOptions, io: CliIo): Promise<ImportSummary> {
  if (options.timeZone && !isTimeZone(options.timeZone)) {
    throw new CliError(`--time-zone ${options.timeZone} is not an IANA time zone (e.g. UTC, Europe/London)`);
  }
  let mapping: ReturnType<typeof parseFieldMapping>;
  try {
    mapping = parseFieldMapping(options.map);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const files = await findDispatchFiles(paths).catch((error: Error) => {
    throw new CliError(error.message);
  });
  if (files.length === 0) throw new CliError('no dispatch files (.txt, .json, .jsonl, .ndjson) found');
  const totalBytes = (await Promise.all(files.map(async (file) => (await stat(file)).size))).reduce(
    (a, b) => a + b,
    0,
  );

  const defaults = { timeZone: options.timeZone, source: options.source, restore: options.restore };
  const ingestor: Ingestor = options.url
    ? remoteIngestor(options.url, options.key ?? io.env.ARCHIVE_INGEST_KEY, defaults)
    : await localIngestor(options.dataDir ?? io.env.ARCHIVE_DATA_DIR ?? './.archive', defaults, {
        tableName: io.env.ARCHIVE_TABLE_NAME,
        keysTableName: io.env.ARCHIVE_KEYS_TABLE_NAME,
      });

  const summary = new ImportSummary();
  const bar = io.interactive
    ? new cliProgress.SingleBar(
        {
          format:
            'importing [{bar}] {percentage}% | {records} dispatches | {failed} failed | ETA {eta_formatted}',
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(totalBytes, 0, { records: 0, failed: 0 });
  io.err(`importing ${files.length} file(s) into ${ingestor.describe}\n`);
  const started = performance.now();
  let bytesDone = 0;

  let batch: { input: DispatchInput; location: string }[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const outcomes = await ingestor.ingest(batch.map((item) => item.input));
    for (const [index, item] of batch.entries()) {
      const outcome = outcomes[index] ?? {
        status: 'failed',
        error: { code: 'no_result', message: 'no result' },
      };
      summary.add(outcome, item.location);
    }
    batch = [];
    batchBytes = 0;
    bar?.update(bytesDone, { records: summary.total, failed: summary.failed });
  };

  try {
    for await (const record of readDispatches(files, { mapping })) {
      bytesDone += record.bytes;
      if (!record.input) {
        summary.add({ status: 'failed', error: record.error }, record.location);
        continue;
      }
      const size = record.input.kind === 'text' ? Buffer.byteLength(record.input.text) : record.bytes;
      if (batch.length >= options.batchSize || batchBytes + size > BATCH_LIMIT.bytes) await flush();
      batch.push({ input: record.input, location: record.location });
      batchBytes += size;
    }
    await flush();
  } finally {
    bar?.stop();
    await ingestor.close();
  }
  io.out(summary.render((performance.now() - started) / 1000));
  return summary;
}
