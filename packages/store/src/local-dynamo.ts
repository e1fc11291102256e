import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

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
  let lockFile: string | null = null;
  if (options.dataDir) {
    path = join(options.dataDir, 'dynamo');
    await mkdir(path, { recursive: true });
    lockFile = await acquireLock(join(options.dataDir, LOCK_FILE));
  }
  // Loaded here, not at the top: a bundle that reaches this module through the package entry
  // (a Lambda, a bench child) must not evaluate dynalite and its native LevelDB binding.
  const { default: dynalite } = await import('dynalite');
  const server: Server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if (lockFile) await rm(lockFile, { force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        // The SDK keeps sockets alive; without this the close would wait for them to time out.
        server.closeIdleConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }).finally(() => (lockFile ? rm(lockFile, { force: true }) : undefined));
      return closed;
    },
  };
}

const LOCK_FILE = 'archive.lock';

/** Thrown when another live process (or this one) already has the data dir open. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/**
 * Takes `<dataDir>/archive.lock` (holding our pid). LevelDB's own lock gives an opaque failure
 * deep inside dynalite, so we check first and say plainly who holds the directory. A lock
 * left by a process that no longer runs is taken over.
 */
async function acquireLock(file: string): Promise<string> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new DataDirInUseError(
        `the data dir ${join(file, '..')} is in use by process ${holder}${holder === process.pid ? ' (this one)' : ''}`,
      );
    }
    await rm(file, { force: true });
  }
  throw new DataDirInUseError(`could not lock ${file}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
