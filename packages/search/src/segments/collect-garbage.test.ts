import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '@archive/core';
import { FsBlobStore } from '@archive/store';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remove, upsert } from '../../../../test/fixtures/lifecycle-articles';
import { Indexer } from '../lifecycle/indexer';
import {
  decodeRetiredRecord,
  decodeSegmentManifest,
  encodeSegmentManifest,
  encodeState,
  newStateKey,
  RETIRED_PREFIX,
  SEGMENT_PREFIX,
  STATE_PREFIX,
  segmentKeysOf,
} from './segment-manifest';
import { readPointer, readState, rollbackSegments } from './segment-store';

/**
 * Garbage collection with retirement records, on a simulated clock (no timed tests): what a
 * state weighs, what is kept for the grace period, what is collected after it, and a store written
 * by an earlier build (retirements listed inline in every state).
 */

const MINUTE = 60_000;
const GRACE = 15 * MINUTE;
const START = Date.parse('2026-01-01T00:00:00Z');

let dir: string;
let fs: FsBlobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gc-'));
  fs = new FsBlobStore(dir, { durable: false });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

let seq = 0;
const batch = (...changes: ReturnType<typeof upsert>[]) =>
  changes.map((change) => ({ recordId: `r${++seq}`, change }));

/** Every publication that became current, observed at its swap: its state and when (the clock). */
interface Current {
  stateKey: string;
  segments: string[];
  from: number;
  until: number | null;
}

/** A store that notes every successful swap of the manifest (fault-free: a plain observer). */
function observed(inner: FsBlobStore, clock: () => number): { store: BlobStore; history: Current[] } {
  const history: Current[] = [];
  const store = Object.create(inner) as FsBlobStore;
  store.writeIfMatch = async (key, bytes, expected) => {
    const etag = await inner.writeIfMatch(key, bytes, expected);
    if (etag !== false && key === 'manifest.json') {
      const { stateKey } = decodeSegmentManifest(bytes);
      const last = history.at(-1);
      if (last) last.until = clock();
      history.push({
        stateKey,
        segments: segmentKeysOf(await readState(inner, stateKey)),
        from: clock(),
        until: null,
      });
    }
    return etag;
  };
  return { store, history };
}

describe('garbage collection with retirement records', () => {
  it("a state's size does not grow with the number of merges in the grace period", async () => {
    let clock = START;
    const indexer = new Indexer({
      store: fs,
      now: () => new Date(clock),
      mergePolicy: { maxSegments: 3 },
      gcIntervalMs: 0,
    });
    const sizes: number[] = [];
    for (let i = 1; i <= 80; i++) {
      await indexer.applyChangeBatch(batch(upsert(`s${i}`)));
      await indexer.maintain();
      clock += 5_000; // a bulk import: 80 batches in under 7 minutes, all within the grace period
      const pointer = await readPointer(fs);
      if (pointer?.format !== 2) throw new Error('no segmented publication');
      sizes.push(((await fs.get(pointer.manifest.stateKey)) as Uint8Array).byteLength);
      expect((await readState(fs, pointer.manifest.stateKey)).retired).toEqual([]);
    }
    // Many merges retired segments within the grace period, each recorded once...
    const records = await fs.list(RETIRED_PREFIX);
    expect(records.length).toBeGreaterThanOrEqual(20);
    // ...and the state is as small after them as after the first few (it lists ≤ 4 segments).
    expect(Math.max(...sizes.slice(40))).toBeLessThanOrEqual(Math.max(...sizes.slice(0, 10)) + 64);
  }, 60_000);

  it('keeps every segment and state a publication current within the grace period needs, and collects the rest after it', async () => {
    const op = fc.oneof(
      {
        arbitrary: fc.record({ kind: fc.constant('add' as const), n: fc.integer({ min: 1, max: 3 }) }),
        weight: 4,
      },
      fc.constant({ kind: 'update' as const }),
      fc.constant({ kind: 'remove' as const }),
      fc.constant({ kind: 'maintain' as const }),
      {
        arbitrary: fc.record({
          kind: fc.constant('tick' as const),
          ms: fc.constantFrom(1_000, MINUTE, 5 * MINUTE, GRACE - 1_000, GRACE + 1_000),
        }),
        weight: 3,
      },
      fc.constant({ kind: 'rollback' as const }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 30 }), async (ops) => {
        const root = new FsBlobStore(join(dir, `run${++run}`), { durable: false });
        let clock = START;
        const { store, history } = observed(root, () => clock);
        const options = { mergePolicy: { maxSegments: 2 }, keepVersions: 2, graceMs: GRACE, gcIntervalMs: 0 };
        const indexer = new Indexer({ store, now: () => new Date(clock), ...options });
        const ids: string[] = [];
        let version = 1;
        for (const step of ops) {
          if (step.kind === 'add') {
            const added = Array.from({ length: step.n }, () => `m${ids.length + 1}`).map((id) => {
              ids.push(id);
              return upsert(id);
            });
            await indexer.applyChangeBatch(batch(...added));
            await indexer.maintain(); // as the indexer function does after every batch
          } else if (step.kind === 'update' && ids.length > 0) {
            await indexer.applyChangeBatch(batch(upsert(ids[0] as string, ++version)));
            await indexer.maintain();
          } else if (step.kind === 'remove' && ids.length > 1) {
            await indexer.applyChangeBatch(batch(remove(ids.pop() as string, 99)));
            await indexer.maintain();
          } else if (step.kind === 'maintain') {
            await indexer.maintain();
          } else if (step.kind === 'tick') {
            clock += step.ms;
          } else if (step.kind === 'rollback') {
            const pointer = await readPointer(root);
            // Any kept version rolls back: its segments are all there.
            if (pointer?.format === 2 && pointer.manifest.previous.length > 0)
              await rollbackSegments(store, { now: () => new Date(clock), keepVersions: 2 });
          }
          // A reader that took any publication current within the grace period finds it whole.
          const segments = new Set(await root.list(SEGMENT_PREFIX));
          const states = new Set(await root.list(STATE_PREFIX));
          for (const current of history) {
            if (current.until !== null && clock - current.until > GRACE) continue;
            expect(states.has(current.stateKey)).toBe(true);
            for (const key of current.segments) expect(segments.has(key)).toBe(true);
          }
        }
        // Once everything is older than the grace period, only the kept publications remain.
        for (let i = 0; i < 2; i++) {
          clock += GRACE + MINUTE;
          await indexer.maintain();
        }
        const pointer = await readPointer(root);
        if (pointer?.format !== 2) return;
        const kept = [pointer.manifest, ...pointer.manifest.previous].map((ref) => ref.stateKey);
        const needed = new Set<string>();
        for (const key of kept) for (const s of segmentKeysOf(await readState(root, key))) needed.add(s);
        expect((await root.list(STATE_PREFIX)).sort()).toEqual([...new Set(kept)].sort());
        expect((await root.list(SEGMENT_PREFIX)).sort()).toEqual([...needed].sort());
        expect(await root.list(RETIRED_PREFIX)).toEqual([]);
      }),
      { numRuns: 20 },
    );
  }, 180_000);

  it('keeps a segment written long ago and merged away just now for the grace period, beyond the rollback window', async () => {
    let clock = START;
    const options = { mergePolicy: { maxSegments: 2 }, keepVersions: 2, graceMs: GRACE, gcIntervalMs: 0 };
    const indexer = new Indexer({ store: fs, now: () => new Date(clock), ...options });
    for (const id of ['o1', 'o2']) await indexer.applyChangeBatch(batch(upsert(id)));
    const old = await fs.list(SEGMENT_PREFIX);
    clock += 2 * GRACE; // the two segments are old: only their retirement protects them now
    await indexer.applyChangeBatch(batch(upsert('n1')));
    await indexer.maintain(); // merges them away
    for (const id of ['n2', 'n3', 'n4']) {
      clock += MINUTE;
      await indexer.applyChangeBatch(batch(upsert(id)));
      await indexer.maintain(); // out of the rollback window, collection runs: they must stay
    }
    const present = new Set(await fs.list(SEGMENT_PREFIX));
    for (const key of old) expect(present.has(key)).toBe(true);
    clock += GRACE;
    await indexer.maintain();
    const left = new Set(await fs.list(SEGMENT_PREFIX));
    for (const key of old) expect(left.has(key)).toBe(false);
  });

  it('a rollback publishes a copy of the state under its own version and records what it stops referencing', async () => {
    const clock = START;
    const options = { mergePolicy: { maxSegments: 2 }, graceMs: GRACE, gcIntervalMs: 0 };
    const indexer = new Indexer({ store: fs, now: () => new Date(clock), ...options });
    for (const id of ['a1', 'a2', 'a3']) await indexer.applyChangeBatch(batch(upsert(id)));
    const before = await readPointer(fs);
    await indexer.maintain(); // merges: version 4 no longer references version 3's segments
    if (before?.format !== 2) throw new Error('no publication');
    const rolled = await rollbackSegments(fs, { toVersion: 3, now: () => new Date(clock) });
    expect(rolled.version).toBeGreaterThan(before.manifest.version);
    expect(rolled.stateKey).not.toBe(before.manifest.stateKey);
    expect(rolled.stateKey.startsWith(`states/${String(rolled.version).padStart(12, '0')}-`)).toBe(true);
    const target = await readState(fs, before.manifest.stateKey);
    expect(segmentKeysOf(await readState(fs, rolled.stateKey))).toEqual(segmentKeysOf(target));
    const merged = rolled.previous[0] ? segmentKeysOf(await readState(fs, rolled.previous[0].stateKey)) : [];
    const records = await Promise.all(
      (await fs.list(RETIRED_PREFIX)).map(async (key) =>
        decodeRetiredRecord((await fs.get(key)) as Uint8Array),
      ),
    );
    // The merge's output, which the rolled-back state lacks, is recorded as retired by the rollback.
    const retiredByRollback = records.find((r) => r.version === rolled.version);
    expect(retiredByRollback?.keys.sort()).toEqual(
      merged.filter((k) => !segmentKeysOf(target).includes(k)).sort(),
    );
  });
});

describe('a store written by an earlier build (retirements listed in every state)', () => {
  it('honours the inline list until its grace period is over, then collects those segments', async () => {
    let clock = START;
    const options = { mergePolicy: { maxSegments: 2 }, keepVersions: 1, graceMs: GRACE, gcIntervalMs: 0 };
    const writer = new Indexer({ store: fs, now: () => new Date(clock), ...options });
    for (const id of ['a1', 'a2', 'a3', 'a4']) await writer.applyChangeBatch(batch(upsert(id)));
    await writer.maintain();
    // Turn the store into what an earlier build left: no records, the current state listing them.
    const retired: { key: string; at: number }[] = [];
    for (const key of await fs.list(RETIRED_PREFIX)) {
      const record = decodeRetiredRecord((await fs.get(key)) as Uint8Array);
      for (const segment of record.keys) retired.push({ key: segment, at: record.at });
      await fs.delete(key);
    }
    expect(retired.length).toBeGreaterThan(0);
    const found = await fs.read('manifest.json');
    if (!found) throw new Error('no manifest');
    const manifest = decodeSegmentManifest(found.bytes);
    const state = await readState(fs, manifest.stateKey);
    const stateKey = newStateKey(manifest.version + 1, clock);
    await fs.put(stateKey, encodeState({ ...state, retired }));
    const legacy = { ...manifest, version: manifest.version + 1, stateKey, previous: [] };
    await fs.writeIfMatch('manifest.json', encodeSegmentManifest(legacy), found.etag);

    // This build takes over (a new process), publishes and collects within the grace period:
    // the segments the old list names are all kept, and its states carry the list on.
    clock += 10 * MINUTE;
    const upgraded = new Indexer({ store: fs, now: () => new Date(clock), ...options });
    await upgraded.applyChangeBatch(batch(upsert('a5')));
    await upgraded.maintain();
    const segments = new Set(await fs.list(SEGMENT_PREFIX));
    for (const { key } of retired) expect(segments.has(key)).toBe(true);
    const carried = await readPointer(fs);
    if (carried?.format !== 2) throw new Error('no publication');
    expect((await readState(fs, carried.manifest.stateKey)).retired.length).toBe(retired.length);

    // Past the grace period: collected, and the list is no longer written.
    clock += 6 * MINUTE;
    await upgraded.applyChangeBatch(batch(upsert('a6')));
    await upgraded.maintain();
    const left = new Set(await fs.list(SEGMENT_PREFIX));
    for (const { key } of retired) expect(left.has(key)).toBe(false);
    const latest = await readPointer(fs);
    if (latest?.format !== 2) throw new Error('no publication');
    expect((await readState(fs, latest.manifest.stateKey)).retired).toEqual([]);
    expect(upgraded.state()?.articleCount).toBe(6);
  });
});
