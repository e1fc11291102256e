import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Indexer, IndexLoader, readManifest, SNAPSHOT_PREFIX } from '@archive/search';
import { FsBlobStore } from '@archive/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remove, upsert } from './fixtures/lifecycle-articles';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifecycle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs an indexer in a child process over the same directory and kills it with SIGKILL right
 * after the snapshot blob is written, before the manifest swap: a real crash, not an exception.
 */
function crashAfterSnapshotWrite(root: string, changes: unknown[]): Promise<number | null> {
  const script = `
    import { FsBlobStore } from '@archive/store';
    import { Indexer } from '@archive/search';
    const fs = new FsBlobStore(process.argv[1]);
    const store = Object.assign(Object.create(fs), {
      put: async (key, bytes) => { await fs.put(key, bytes); process.kill(process.pid, 'SIGKILL'); },
    });
    const changes = JSON.parse(process.argv[2]);
    await new Indexer({ store }).applyChangeBatch(changes.map((change, i) => ({ recordId: String(i), change })));
    process.exit(0);`;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, root, JSON.stringify(changes)],
      {
        stdio: 'ignore',
      },
    );
    child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? 9 : null));
  });
}

describe('index life cycle across processes', () => {
  it('a process killed between snapshot write and manifest swap loses nothing; redelivery converges', async () => {
    const store = new FsBlobStore(dir);
    await new Indexer({ store }).applyChangeBatch([{ recordId: 'r0', change: upsert('a1') }]);
    const loader = await IndexLoader.open({ store, refreshIntervalMs: 0 });

    const batch = [upsert('a2'), remove('a1', 2)];
    expect(await crashAfterSnapshotWrite(dir, batch)).toBe(9);
    // The crash left an orphan blob and the old pointer; readers are unaffected.
    expect((await readManifest(store))?.manifest.version).toBe(1);
    expect(await store.list(SNAPSHOT_PREFIX)).toHaveLength(2);
    await loader.refresh();
    expect(loader.current()).toMatchObject({ version: 1, articleCount: 1 });

    // The stream redelivers the batch to a fresh indexer.
    const redelivery = batch.map((change, i) => ({ recordId: `r${i + 1}`, change }));
    const result = await new Indexer({ store }).applyChangeBatch(redelivery);
    expect(result).toMatchObject({ applied: 2, batchItemFailures: [], published: { version: 2 } });
    expect(await loader.refresh()).toBe(true);
    const { index } = loader.current();
    expect([index.has('a1'), index.has('a2')]).toEqual([false, true]);
  });
});
