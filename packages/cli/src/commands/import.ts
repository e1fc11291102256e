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
  publishedAt?: string;
  batchSize: number;
  /** Stops the import after the batch in flight (Ctrl-C); defaults to the process's SIGINT. */
  interrupt?: AbortSignal;
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
    .option(
      '--published-at <time>',
      'publication time (ISO 8601 with offset, e.g. 2005-01-01T00:00:00Z) for JSON records that carry none',
    )
    .option('--batch-size <n>', `dispatches per batch (1-${BATCH_LIMIT.items})`, parseBatchSize, 250)
    .action(async (paths: string[], options: ImportOptions) => {
      const summary = await runImport(paths, options, io);
      setExitCode(summary.interrupted ? 130 : summary.failed > 0 ? 1 : 0);
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
  if (options.publishedAt !== undefined && !isInstant(options.publishedAt)) {
    throw new CliError(
      `--published-at ${options.publishedAt} is not an ISO 8601 time with an offset (e.g. 2005-01-01T00:00:00Z)`,
    );
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

  // Ctrl-C: finish the batch in flight (so every dispatch read is either stored or reported), close
  // the store cleanly, print the summary so far. A second Ctrl-C exits at once.
  const interrupt = options.interrupt ? { signal: options.interrupt, dispose: () => {} } : sigintSignal(io);
  try {
    for await (const record of readDispatches(files, { mapping })) {
      if (interrupt.signal.aborted) {
        summary.interrupted = true;
        break;
      }
      bytesDone += record.bytes;
      if (!record.input) {
        summary.add({ status: 'failed', error: record.error }, record.location);
        continue;
      }
      if (options.publishedAt !== undefined)
        record.input = withPublishedAt(record.input, options.publishedAt);
      const size = record.input.kind === 'text' ? Buffer.byteLength(record.input.text) : record.bytes;
      if (batch.length >= options.batchSize || batchBytes + size > BATCH_LIMIT.bytes) await flush();
      batch.push({ input: record.input, location: record.location });
      batchBytes += size;
    }
    await flush();
  } catch (error) {
    // A failure that stops the import (server gone, key refused) still reports what was done.
    bar?.stop();
    io.out(summary.render((performance.now() - started) / 1000));
    throw error;
  } finally {
    bar?.stop();
    interrupt.dispose();
    await ingestor.close();
  }
  if (summary.interrupted) io.err('interrupted: the dispatches read so far were imported or reported\n');
  io.out(summary.render((performance.now() - started) / 1000));
  return summary;
}

function isInstant(text: string): boolean {
  return /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text) && !Number.isNaN(Date.parse(text));
}

/** A JSON record with no time of its own gets `publishedAt` (undated corpora such as BBC News). */
function withPublishedAt(input: DispatchInput, publishedAt: string): DispatchInput {
  if (input.kind !== 'json' || typeof input.value !== 'object' || input.value === null) return input;
  const record = input.value as Record<string, unknown>;
  if (record.publishedAt != null || record.localTime != null || record.dateline != null) return input;
  return { kind: 'json', value: { ...record, publishedAt } };
}

/** An abort signal raised by the first SIGINT while the import runs; the second one exits. */
function sigintSignal(io: CliIo): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.err('\nstopping after the batch in flight (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
