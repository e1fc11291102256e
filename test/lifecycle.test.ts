import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Indexer, IndexLoader, loadSegmented, readPointer } from '@archive/search';
import { FsBlobStore } from '@archive/store';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remove, upsert } from './fixtures/lifecycle-articles';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lifecycle-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Merge when a partition holds more than two segments; collect garbage at once (no grace). */
const MAINTENANCE = { mergePolicy: { maxSegments: 2 }, graceMs: 0, gcIntervalMs: 0 };

/**
 * Runs an indexer in a child process over `dir`: one batch, then maintenance (a merge, its
 * publication, garbage collection). The process SIGKILLs itself right after its `killAt`-th write
 * to the store (put, compare-and-swap or delete): a real crash, not an exception. Resolves with the
 * signal, or null when it finished before reaching that write.
 */
function runAndKill(dir: string, changes: unknown[], killAt: number): Promise<string | null> {
  const script = `
    import { FsBlobStore } from '@archive/store';
    import { Indexer } from '@archive/search';
    const fs = new FsBlobStore(process.argv[1]);
    const killAt = Number(process.argv[3]);
    let writes = 0;
    const after = async (result) => { if (++writes === killAt) process.kill(process.pid, 'SIGKILL'); return result; };
    const store = Object.assign(Object.create(fs), {
      put: async (key, bytes) => after(await fs.put(key, bytes)),
      writeIfMatch: async (key, bytes, etag) => after(await fs.writeIfMatch(key, bytes, etag)),
      delete: async (key) => after(await fs.delete(key)),
    });
    const changes = JSON.parse(process.argv[2]);
    const indexer = new Indexer({ store, ...${JSON.stringify(MAINTENANCE)} });
    await indexer.applyChangeBatch(changes.map((change, i) => ({ recordId: String(i), change })));
    await indexer.maintain();
    process.exit(0);`;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, dir, JSON.stringify(changes), String(killAt)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('exit', (code, signal) => {
      if (signal === null && code !== 0) console.error(`indexer child failed (${code}): ${stderr}`);
      resolve(signal);
    });
  });
}

const live = (index: { has(id: string): boolean }, ids: string[]) => ids.filter((id) => index.has(id));
const IDS = ['a1', 'a2', 'a3', 'a4', 'a5'];

describe('index life cycle across processes', () => {
  it('a process killed at any write of a publication, a merge or a garbage collection loses nothing', async () => {
    let run = 0;
    const kills = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), async (killAt) => {
        const dir = join(root, `run${++run}`);
        const store = new FsBlobStore(dir);
        const seed = new Indexer({ store });
        for (const id of ['a1', 'a2', 'a3'])
          await seed.applyChangeBatch([{ recordId: id, change: upsert(id) }]);
        const loader = await IndexLoader.open({ store, refreshIntervalMs: 0 });

        const batch = [upsert('a4'), remove('a1', 2), upsert('a2', 2)];
        const signal = await runAndKill(dir, batch, killAt);
        if (signal === 'SIGKILL') kills.add(killAt);
        // Whatever point it died at, the manifest names a complete, loadable publication: the old
        // one (version 3) or one with the batch.
        const after = await loadSegmented(store);
        const version = after.manifest?.version ?? 0;
        expect(version).toBeGreaterThanOrEqual(3);
        expect(live(after.index, IDS)).toEqual(version === 3 ? ['a1', 'a2', 'a3'] : ['a2', 'a3', 'a4']);
        // A reader that was serving keeps serving, then follows.
        await loader.refresh();
        expect(loader.current().version).toBe(version);

        // The stream redelivers the batch (unless it was acknowledged) to a fresh indexer, which
        // also merges and collects; the result holds exactly the batch's outcome.
        const redelivery = new Indexer({ store, ...MAINTENANCE });
        await redelivery.applyChangeBatch(batch.map((change, i) => ({ recordId: `r${i}`, change })));
        await redelivery.maintain();
        const final = await loadSegmented(store);
        expect(live(final.index, IDS)).toEqual(['a2', 'a3', 'a4']);
        expect(final.index.versionOf('a2')).toBe(2);
        expect(final.index.versionOf('a1')).toBe(2);
        const segments = final.state?.partitions.flatMap((p) => p.segments) ?? [];
        expect(segments.length).toBeLessThanOrEqual(2);
        await loader.refresh();
        expect(live(loader.current().index, IDS)).toEqual(['a2', 'a3', 'a4']);
        expect((await readPointer(store))?.format).toBe(2);
      }),
      { numRuns: 5 },
    );
    expect(kills.size).toBeGreaterThan(0);
  }, 120_000);
});
