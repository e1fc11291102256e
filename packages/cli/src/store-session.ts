import { resolve } from 'node:path';
import {
  createDynamoClients,
  DEFAULT_CHANGE_LOG_TABLE_NAME,
  DEFAULT_KEYS_TABLE_NAME,
  DEFAULT_TABLE_NAME,
  type DynamoClients,
  ensureTables,
  startLocalDynamo,
} from '@archive/store';
import type { CliIo } from './io';

/** Where a command's store is: the local data dir, or DynamoDB on AWS (or at `DYNAMODB_ENDPOINT`). */
export interface StoreSession {
  clients: DynamoClients;
  tableName: string;
  keysTableName: string;
  /** The local data dir, or null when the store is remote. */
  dataDir: string | null;
  /**
   * The local store's change log (every write there must be logged, or the server's next start
   * would not see it without a scan); undefined when the store is remote.
   */
  changeLogTableName: string | undefined;
}

/**
 * Opens the store for one CLI command and closes it afterwards: remote when `remote` is true
 * (tables exist: CDK made them), else dynalite on the data dir (`--data-dir`, `ARCHIVE_DATA_DIR`,
 * `./.archive`) with the tables ensured. The data dir is locked while the command runs.
 */
export async function withStore<T>(
  options: { remote: boolean; dataDir?: string },
  io: CliIo,
  run: (session: StoreSession) => Promise<T>,
): Promise<T> {
  const tableName = io.env.ARCHIVE_TABLE_NAME ?? DEFAULT_TABLE_NAME;
  const keysTableName = io.env.ARCHIVE_KEYS_TABLE_NAME ?? DEFAULT_KEYS_TABLE_NAME;
  const dataDir = options.remote ? null : resolve(options.dataDir ?? io.env.ARCHIVE_DATA_DIR ?? './.archive');
  const local = dataDir === null ? null : await startLocalDynamo({ dataDir });
  const clients = createDynamoClients({ endpoint: local?.endpoint ?? io.env.DYNAMODB_ENDPOINT });
  try {
    const changeLogTableName = local ? DEFAULT_CHANGE_LOG_TABLE_NAME : undefined;
    if (local) await ensureTables(clients.client, { tableName, keysTableName, changeLogTableName });
    return await run({ clients, tableName, keysTableName, dataDir, changeLogTableName });
  } finally {
    clients.client.destroy();
    await local?.close();
  }
}
