import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { BlobStore, VersionedBlob } from '@archive/core';

export interface FsBlobStoreOptions {
  /** A lock older than this is presumed abandoned by a crashed writer (default 10 s). */
  staleLockMs?: number;
  /** Give up acquiring a pointer lock after this long (default 10 s). */
  lockTimeoutMs?: number;
  /** fsync files and directories so a power cut cannot surface an empty file (default true). */
  durable?: boolean;
}

const TEMP_SUFFIX = '.tmp';
const LOCK_SUFFIX = '.lock';
const BROKEN_MARK = '.lock-broken-';

/** Entity tag of a local object: the SHA-256 of its bytes. */
export function contentEtag(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A blob store in a local directory.
 *
 * - Writes go to a temp file in the same directory and are renamed over the target, so readers
 *   see whole objects only.
 * - Compare-and-swap is serialised across processes on this machine by a lock file created with
 *   O_EXCL (`wx`) next to the pointer. The critical section is a read, a compare and a rename —
 *   milliseconds — so a lock is broken when its owner process is gone or it is older than
 *   `staleLockMs`. Breaking renames the lock aside and checks it is still the one judged stale,
 *   so two breakers cannot both remove a fresh lock.
 * Hand-written because no installed package offers CAS over files; proper-lockfile would cover
 * only the lock.
 */
export class FsBlobStore implements BlobStore {
  private readonly staleLockMs: number;
  private readonly lockTimeoutMs: number;
  private readonly durable: boolean;

  constructor(
    readonly root: string,
    options: FsBlobStoreOptions = {},
  ) {
    this.staleLockMs = options.staleLockMs ?? 10_000;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.durable = options.durable ?? true;
  }

  async get(key: string): Promise<Uint8Array | null> {
    return readOrNull(this.pathOf(key));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.writeAtomically(this.pathOf(key), bytes);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isCode(error, 'ENOENT')) return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && !isInternalFile(entry.name)) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(this.root);
    return keys.sort();
  }

  async read(key: string): Promise<VersionedBlob | null> {
    const bytes = await readOrNull(this.pathOf(key));
    return bytes ? { bytes, etag: contentEtag(bytes) } : null;
  }

  /** Locally a read is as cheap as a conditional read; the manifest is a few hundred bytes. */
  async readIfChanged(key: string, etag: string): Promise<'unchanged' | VersionedBlob | null> {
    const current = await this.read(key);
    if (current && current.etag === etag) return 'unchanged';
    return current;
  }

  async writeIfMatch(key: string, bytes: Uint8Array, expectedEtag: string | null): Promise<string | false> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const lock = await this.acquireLock(`${path}${LOCK_SUFFIX}`);
    try {
      const current = await readOrNull(path);
      const currentEtag = current ? contentEtag(current) : null;
      if (currentEtag !== expectedEtag) return false;
      await this.writeAtomically(path, bytes);
      return contentEtag(bytes);
    } finally {
      await releaseLock(lock);
    }
  }

  private pathOf(key: string): string {
    const parts = key.split('/');
    if (
      key.length === 0 ||
      key.startsWith('/') ||
      parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\')) ||
      isInternalFile(parts[parts.length - 1] ?? '')
    ) {
      throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
    }
    return join(this.root, ...parts);
  }

  private async writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${randomUUID()}${TEMP_SUFFIX}`);
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      if (this.durable) await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    if (this.durable) await syncDirectory(dir);
  }

  private async acquireLock(lockPath: string): Promise<HeldLock> {
    const token = randomUUID();
    const body = JSON.stringify({ pid: process.pid, host: hostname(), token, at: Date.now() });
    const deadline = Date.now() + this.lockTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(lockPath, 'wx');
        try {
          await handle.writeFile(body);
        } finally {
          await handle.close();
        }
        return { path: lockPath, token };
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
      }
      if (await this.breakIfStale(lockPath)) continue;
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockPath}`);
      await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }

  private async breakIfStale(lockPath: string): Promise<boolean> {
    let observed: LockBody | null;
    let ageMs: number;
    try {
      observed = parseLock(await readFile(lockPath, 'utf8'));
      ageMs = Date.now() - (await stat(lockPath)).mtimeMs;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return true; // released meanwhile: try again at once
      throw error;
    }
    const ownerGone = observed !== null && observed.host === hostname() && !processAlive(observed.pid);
    // An unparsable lock is one whose writer died between create and write; age decides.
    if (!ownerGone && ageMs < this.staleLockMs) return false;
    const aside = `${lockPath}${BROKEN_MARK}${randomUUID()}`;
    try {
      await rename(lockPath, aside);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return true;
      throw error;
    }
    const moved = parseLock(await readFile(aside, 'utf8').catch(() => ''));
    if (observed && moved?.token !== observed.token) {
      // We moved a lock someone acquired after our inspection: put it back unless taken again.
      await link(aside, lockPath).catch(() => undefined);
    }
    await rm(aside, { force: true });
    return true;
  }
}

interface HeldLock {
  path: string;
  token: string;
}

interface LockBody {
  pid: number;
  host: string;
  token: string;
}

async function releaseLock(lock: HeldLock): Promise<void> {
  // Only remove our own lock: if it was broken as stale, someone else may hold it now.
  const current = parseLock(await readFile(lock.path, 'utf8').catch(() => ''));
  if (current?.token === lock.token) await unlink(lock.path).catch(() => undefined);
}

function parseLock(text: string): LockBody | null {
  try {
    const parsed = JSON.parse(text) as Partial<LockBody>;
    if (
      typeof parsed.pid === 'number' &&
      typeof parsed.host === 'string' &&
      typeof parsed.token === 'string'
    ) {
      return parsed as LockBody;
    }
  } catch {
    // fall through
  }
  return null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isCode(error, 'ESRCH');
  }
}

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isInternalFile(name: string): boolean {
  return (
    (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) ||
    name.endsWith(LOCK_SUFFIX) ||
    name.includes(BROKEN_MARK)
  );
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
