import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { CliError, type CliIo } from '../io';

export interface ExportOptions {
  url: string;
  format: 'ndjson' | 'csv';
  out?: string;
  q?: string;
  mode?: string;
  from?: string;
  to?: string;
  place?: string;
  source?: string;
  language?: string;
  tag?: string[];
  sort?: string;
  max?: string;
}

/**
 * Counts records in an export stream: NDJSON lines, or CSV records (newlines outside quotes; a
 * doubled quote toggles twice, so escaped quotes need no special case).
 */
export class RecordCounter {
  private inQuotes = false;
  count = 0;
  constructor(private readonly format: 'ndjson' | 'csv') {}

  add(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk.charCodeAt(i);
      if (this.format === 'csv' && ch === 34) this.inQuotes = !this.inQuotes;
      else if (ch === 10 && !this.inQuotes) this.count++;
    }
  }
}

export function registerExportCommand(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('export every article matching a search from a running server (NDJSON or CSV)')
    .option('--url <url>', 'the server', 'http://127.0.0.1:3000')
    .option('--format <format>', 'ndjson or csv', 'ndjson')
    .option('--out <file>', 'write to a file (default: standard output)')
    .option('--q <query>', 'the query, as on /search')
    .option('--mode <mode>', 'all or natural')
    .option('--from <date>', 'published on or after (date or date-time)')
    .option('--to <date>', 'published on or before (date or date-time)')
    .option('--place <place>', 'dateline place')
    .option('--source <source>', 'source')
    .option('--language <tag>', 'language')
    .option('--tag <tag...>', 'tags (all must match)')
    .option('--sort <order>', 'newest (default), oldest or relevance')
    .option('--max <rows>', 'stop after this many rows (the server caps it too)')
    .action(async (options: ExportOptions) => {
      await runExport(options, io);
    });
}

/** Streams `GET /export` to a file or stdout, with a progress bar on a terminal; returns the row count. */
export async function runExport(options: ExportOptions, io: CliIo): Promise<number> {
  if (options.format !== 'ndjson' && options.format !== 'csv') {
    throw new CliError('--format must be ndjson or csv');
  }
  const params = new URLSearchParams({ format: options.format });
  for (const name of ['q', 'mode', 'from', 'to', 'place', 'source', 'language', 'sort', 'max'] as const) {
    const value = options[name];
    if (value !== undefined) params.set(name, value);
  }
  for (const tag of options.tag ?? []) params.append('tag', tag);
  let response: Response;
  try {
    response = await fetch(`${options.url.replace(/\/$/, '')}/export?${params}`);
  } catch (error) {
    throw new CliError(`cannot reach ${options.url}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {}
    throw new CliError(`export refused (${response.status}): ${message}`);
  }
  const total = Number(response.headers.get('x-total-count') ?? 0);
  const file = options.out ? createWriteStream(options.out) : null;
  const write = async (text: string) => {
    if (!file) return io.out(text);
    if (!file.write(text)) await once(file, 'drain');
  };
  const bar = io.interactive
    ? new cliProgress.SingleBar(
        { format: 'export [{bar}] {value}/{total} rows | {eta_formatted} left', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0);
  const counter = new RecordCounter(options.format);
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      counter.add(text);
      await write(text);
      bar?.update(Math.max(0, counter.count - (options.format === 'csv' ? 1 : 0)));
    }
  } finally {
    bar?.stop();
    if (file) {
      file.end();
      await once(file, 'close');
    }
  }
  const rows = counter.count - (options.format === 'csv' ? 1 : 0);
  if (rows < total) throw new CliError(`the export ended early: ${rows} of ${total} rows`);
  io.err(`exported ${rows} rows${options.out ? ` to ${options.out}` : ''}\n`);
  return rows;
}
