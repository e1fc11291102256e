import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateIngestKey } from '@archive/store';

export interface LocalIngestKey {
  key: string;
  /** Where it came from: `ARCHIVE_INGEST_KEY`, the data dir's key file, or generated just now. */
  source: 'env' | 'file' | 'generated';
  /** The key file, when the key lives in the data dir. */
  file: string | null;
}

export const INGEST_KEY_FILE = 'ingest-key';

/**
 * The local ingest key: `ARCHIVE_INGEST_KEY` when set, else `<dataDir>/ingest-key`, else a new
 * key saved there (mode 0600) so it survives restarts. In-memory runtimes get a fresh key.
 */
export async function resolveLocalIngestKey(
  dataDir: string | null,
  fromEnv?: string,
): Promise<LocalIngestKey> {
  if (fromEnv?.trim()) return { key: fromEnv.trim(), source: 'env', file: null };
  if (!dataDir) return { key: generateIngestKey(), source: 'generated', file: null };
  const file = join(dataDir, INGEST_KEY_FILE);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (saved) return { key: saved, source: 'file', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateIngestKey();
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, source: 'generated', file };
}
