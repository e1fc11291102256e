import { ingestMany, MAX_BATCH_BYTES, MAX_BATCH_ITEMS } from '@archive/api';
import type { DispatchInput, ParseOptions } from '@archive/core';
import { createLocalRuntime, defaultPlugins } from '@archive/local';
import { CliError } from './io';

/** What happened to one dispatch, as the importer reports it. */
export interface ItemOutcome {
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  id?: string;
  error?: { code: string; message: string };
}

/** Sends one batch somewhere and returns one outcome per input, in order. */
export interface Ingestor {
  ingest(batch: DispatchInput[]): Promise<ItemOutcome[]>;
  close(): Promise<void>;
  describe: string;
}

export interface IngestDefaults {
  timeZone?: string;
  source?: string;
  restore?: boolean;
}

/** Writes straight into the local data dir through the same service code the API uses. */
export async function localIngestor(
  dataDir: string,
  defaults: IngestDefaults,
  tables: { tableName?: string; keysTableName?: string },
): Promise<Ingestor> {
  const runtime = await createLocalRuntime({
    dataDir,
    ...tables,
    importExamples: false,
    plugins: defaultPlugins(),
    log: () => {},
  });
  const parseOptions: ParseOptions = {
    ...(defaults.timeZone ? { defaultTimeZone: defaults.timeZone } : {}),
    ...(defaults.source ? { defaultSource: defaults.source } : {}),
  };
  return {
    describe: `local archive ${runtime.dataDir}`,
    async ingest(batch) {
      const results = await ingestMany(batch, {
        repository: runtime.repository,
        stories: runtime.stories,
        parseOptions,
        restore: defaults.restore ?? false,
      });
      return results.map((r) =>
        r.status === 'failed'
          ? { status: 'failed', ...(r.id ? { id: r.id } : {}), error: r.error }
          : { status: r.status, id: r.id },
      );
    },
    close: () => runtime.close(),
  };
}

const MAX_ATTEMPTS = 3;

/** POSTs NDJSON batches to a running server (`--url`), retrying transient failures. */
export function remoteIngestor(baseUrl: string, key: string | undefined, defaults: IngestDefaults): Ingestor {
  if (!key)
    throw new CliError('importing to a server needs an ingest key: --key <key> or ARCHIVE_INGEST_KEY');
  const url = new URL('/dispatches', baseUrl);
  if (defaults.timeZone) url.searchParams.set('timeZone', defaults.timeZone);
  if (defaults.source) url.searchParams.set('source', defaults.source);
  if (defaults.restore) url.searchParams.set('restore', 'true');

  return {
    describe: baseUrl,
    async ingest(batch) {
      const body = `${batch.map((input) => JSON.stringify(input.kind === 'text' ? input.text : input.value)).join('\n')}\n`;
      let lastProblem = '';
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
            body,
          });
        } catch (error) {
          const reason = networkReason(error);
          // Nothing listens there: every later batch would fail the same way, so stop now.
          if (REFUSED.has(reason.code)) {
            throw new CliError(`cannot reach ${baseUrl} (${reason.message}); is the server running?`);
          }
          lastProblem = `cannot reach ${baseUrl}: ${reason.message}`;
          await delay(attempt);
          continue;
        }
        const payload = (await response.json().catch(() => null)) as {
          results?: ItemOutcome[];
          error?: { code: string; message: string };
        } | null;
        if (response.status === 401)
          throw new CliError(`the server refused the key: ${payload?.error?.message ?? ''}`);
        if (response.status === 429)
          throw new CliError(`the server refuses writes for now: ${payload?.error?.message ?? ''}`);
        if (response.ok && payload?.results) return payload.results;
        lastProblem = `HTTP ${response.status}: ${payload?.error?.message ?? response.statusText}`;
        if (response.status < 500) break; // the same batch would be refused again
        await delay(attempt);
      }
      return batch.map(() => ({ status: 'failed', error: { code: 'request_failed', message: lastProblem } }));
    },
    close: async () => {},
  };
}

/** Limits of one request batch (the server's, less headroom for the envelope). */
export const BATCH_LIMIT = { items: MAX_BATCH_ITEMS, bytes: MAX_BATCH_BYTES - 64 * 1024 };

/** Network errors that mean no server is there (not a hiccup worth retrying). */
const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** fetch wraps the socket error in `cause`; AggregateError (IPv4 and IPv6 tried) nests it further. */
function networkReason(error: unknown): { code: string; message: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const { code, errors } = current as { code?: unknown; errors?: unknown[] };
    if (typeof code === 'string') return { code, message: code };
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : (current as { cause?: unknown }).cause;
  }
  return { code: '', message: error instanceof Error ? error.message : String(error) };
}

function delay(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
}
