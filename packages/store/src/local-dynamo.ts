import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

export interface LocalDynamoOptions {
  /** Persist under `<dataDir>/dynamo`; in memory when omitted. */
  dataDir?: string;
  /** 0 (default) picks an ephemeral port. */
  port?: number;
}

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`, to pass as the DynamoDB endpoint. */
  endpoint: string;
  /** Stops accepting requests, lets in-flight ones finish and closes the LevelDB store. */
  close(): Promise<void>;
}

/**
 * Starts dynalite (DynamoDB on LevelDB) in this process, bound to loopback only.
 * Tables are ACTIVE immediately (`createTableMs: 0`). A persistent data dir can be opened by
 * one process at a time (LevelDB's lock); a second opener gets a clear error.
 */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  let path: string | undefined;
  if (options.dataDir) {
    path = join(options.dataDir, 'dynamo');
    await mkdir(path, { recursive: true });
  }
  const server: Server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        // The SDK keeps sockets alive; without this the close would wait for them to time out.
        server.closeIdleConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closed;
    },
  };
}
