import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectGarbage, Indexer, IndexLoader, loadSegmented, readPointer } from '@archive/search';
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

/**
 * Merge when a partition holds more than two segments; keep no earlier version and collect garbage
 * at once (no grace), so that a run's garbage collection deletes merged-away segments, states and
 * retirement records: every kind of write a crash can interrupt.
 */
const MAINTENANCE = { mergePolicy: { maxSegments: 2 }, keepVersions: 1, graceMs: 0, gcIntervalMs: 0 };

/**
 * Where the child dies: right after its `nth` write to the store (put, compare-and-swap or
 * delete), or at the first write of `op` on a key under `prefix`, just before it (`before`) or
 * just after it.
 */
type Kill = { nth: number } | { op: 'put' | 'writeIfMatch' | 'delete'; prefix: string; before: boolean };

/**
 * Runs an indexer in a child process over `dir`: one batch, then maintenance (a merge, its
 * publication, garbage collection). The process SIGKILLs itself at the write `kill` names: a real
 * crash, not an exception. Resolves with the signal, or null when it finished without reaching it.
 */
function runAndKill(dir: string, changes: unknown[], kill: Kill): Promise<string | null> {
  const script = `
    import { FsBlobStore } from '@archive/store';
    import { Indexer } from '@archive/search';
    const fs = new FsBlobStore(process.argv[1]);
    const kill = JSON.parse(process.argv[3]);
    let writes = 0;
    const named = (op, key) => kill.op === op && key.startsWith(kill.prefix);
    const write = async (op, key, run) => {
      if (kill.before && named(op, key)) process.kill(process.pid, 'SIGKILL');
      const result = await run();
      if (++writes === kill.nth || (kill.before === false && named(op, key))) process.kill(process.pid, 'SIGKILL');
      return result;
    };
    const store = Object.assign(Object.create(fs), {
      put: (key, bytes) => write('put', key, () => fs.put(key, bytes)),
      writeIfMatch: (key, bytes, etag) => write('writeIfMatch', key, () => fs.writeIfMatch(key, bytes, etag)),
      delete: (key) => write('delete', key, () => fs.delete(key)),
    });
    const changes = JSON.parse(process.argv[2]);
    const indexer = new Indexer({ store, ...${JSON.stringify(MAINTENANCE)} });
    await indexer.applyChangeBatch(changes.map((change, i) => ({ recordId: String(i), change })));
    await indexer.maintain();
    process.exit(0);`;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        dir,
        JSON.stringify(changes),
        JSON.stringify(kill),
      ],
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
const BATCH = [upsert('a4'), remove('a1', 2), upsert('a2', 2)];

/**
 * Seeds a store with three publications, kills an indexer child at `kill`, and checks what must
 * hold whatever point it died at; returns the signal the child died of (null: it finished).
 */
async function crashAndRecover(dir: string, kill: Kill): Promise<string | null> {
  const store = new FsBlobStore(dir);
  const seed = new Indexer({ store });
  for (const id of ['a1', 'a2', 'a3']) await seed.applyChangeBatch([{ recordId: id, change: upsert(id) }]);
  const loader = await IndexLoader.open({ store, refreshIntervalMs: 0 });

  const signal = await runAndKill(dir, BATCH, kill);
  // The manifest names a complete, loadable publication: the old one (version 3) or one with the
  // batch (a reader never finds a segment of the current state missing).
  const after = await loadSegmented(store);
  const version = after.manifest?.version ?? 0;
  expect(version).toBeGreaterThanOrEqual(3);
  expect(live(after.index, IDS)).toEqual(version === 3 ? ['a1', 'a2', 'a3'] : ['a2', 'a3', 'a4']);
  // A reader that was serving keeps serving, then follows.
  await loader.refresh();
  expect(loader.current().version).toBe(version);

  // The stream redelivers the batch (unless it was acknowledged) to a fresh indexer, which also
  // merges and collects; the result holds exactly the batch's outcome.
  const redelivery = new Indexer({ store, ...MAINTENANCE });
  await redelivery.applyChangeBatch(BATCH.map((change, i) => ({ recordId: `r${i}`, change })));
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

  // At worst the crash left garbage, and a later collection takes all of it: what remains is the
  // current publication, its segments and nothing else (no orphan segment, state or record).
  const { manifest, state } = final;
  if (!manifest || !state) throw new Error('no publication');
  await collectGarbage(store, manifest, state, { nowMs: Date.now() + 1000, graceMs: 0 });
  expect((await store.list('segments/')).sort()).toEqual(segments.map((s) => s.key).sort());
  expect(await store.list('states/')).toEqual([manifest.stateKey]);
  expect(await store.list('retired/')).toEqual([]);
  return signal;
}

describe('index life cycle across processes', () => {
  it('a process killed at any write of a publication, a merge or a garbage collection loses nothing', async () => {
    let run = 0;
    const kills = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 14 }), async (nth) => {
        if ((await crashAndRecover(join(root, `run${++run}`), { nth })) === 'SIGKILL') kills.add(nth);
      }),
      { numRuns: 5 },
    );
    expect(kills.size).toBeGreaterThan(0);
  }, 120_000);

  it('a process killed around the retirement record and in the middle of a collection loses nothing', async () => {
    const points: Kill[] = [
      // The merge's publication: before its record, between record and swap, after the swap.
      { op: 'put', prefix: 'retired/', before: true },
      { op: 'put', prefix: 'retired/', before: false },
      { op: 'writeIfMatch', prefix: 'manifest.json', before: false },
      // Garbage collection: after deleting a merged-away segment, then a state, then a record.
      { op: 'delete', prefix: 'segments/', before: false },
      { op: 'delete', prefix: 'states/', before: false },
      { op: 'delete', prefix: 'retired/', before: true },
    ];
    for (const [i, kill] of points.entries()) {
      expect(await crashAndRecover(join(root, `named${i}`), kill), JSON.stringify(kill)).toBe('SIGKILL');
    }
  }, 180_000);
});
