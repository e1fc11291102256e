import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Article } from '@archive/core';
import { baselineDates, baselineSearch, baselineSnapshot, buildBaseline, loadBaseline } from './baseline';
import type { SearchFn } from './latency';
import {
  buildProductionIndex,
  loadProductionSnapshot,
  searchProduction,
  snapshotProduction,
  tsxWorkerScript,
} from './production';
import type { SearchRequest } from './queries';

/** What one side gives in process: build, snapshot and the memory its index holds. */
export interface BuildFigures {
  buildMs: number;
  /** Encoding the snapshot (serialise, then compress when the side stores it compressed). */
  snapshotMs: number;
  snapshotRawBytes: number;
  snapshotStoredBytes: number;
  /** V8 heap held by the built index (after a full GC), a proxy for a warm function's memory. */
  indexHeapBytes: number;
}

/**
 * A built side: its figures and its stored snapshot on disk. The index itself is dropped once
 * snapshotted, so that each side builds with nothing of the other's in the heap (a large live heap
 * slows every GC and would bias whichever side is built second).
 */
export interface BuiltSide {
  figures: BuildFigures;
  snapshotPath: string;
}

/**
 * A full GC between phases, so one side's garbage is not collected on the other side's clock.
 * `--expose-gc` switched on at run time (V8 reads the flag when the function is first looked up).
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** The baseline side: build, JSON snapshot, plus the date sidecar its HTTP child needs. */
export async function buildBaselineSide(
  articles: readonly Article[],
  workDir: string,
): Promise<BuiltSide & { datesPath: string }> {
  const heapBefore = heapUsed();
  let started = performance.now();
  const miniSearch = buildBaseline(articles);
  const buildMs = performance.now() - started;
  const indexHeapBytes = heapUsed() - heapBefore;

  started = performance.now();
  const json = baselineSnapshot(miniSearch);
  const snapshotMs = performance.now() - started;
  const snapshotPath = join(workDir, 'baseline.json');
  await writeFile(snapshotPath, json);
  const bytes = Buffer.byteLength(json);

  const dates = baselineDates(articles);
  const datesPath = join(workDir, 'baseline-dates.json');
  await writeFile(datesPath, JSON.stringify([...dates]));
  return {
    figures: { buildMs, snapshotMs, snapshotRawBytes: bytes, snapshotStoredBytes: bytes, indexHeapBytes },
    snapshotPath,
    datesPath,
  };
}

/** The production side through the adapter: build, snapshot (raw and stored). */
export async function buildProductionSide(articles: readonly Article[], workDir: string): Promise<BuiltSide> {
  const heapBefore = heapUsed();
  let started = performance.now();
  const index = buildProductionIndex(articles);
  const buildMs = performance.now() - started;
  const indexHeapBytes = heapUsed() - heapBefore;

  started = performance.now();
  const { rawBytes, stored } = await snapshotProduction(index);
  const snapshotMs = performance.now() - started;
  const snapshotPath = join(workDir, 'production.snapshot');
  await writeFile(snapshotPath, stored);
  return {
    figures: {
      buildMs,
      snapshotMs,
      snapshotRawBytes: rawBytes,
      snapshotStoredBytes: stored.byteLength,
      indexHeapBytes,
    },
    snapshotPath,
  };
}

/** The baseline as its search function has it: loaded from the snapshot, plus the date map. */
export async function loadBaselineSearch(side: BuiltSide & { datesPath: string }): Promise<SearchFn> {
  const miniSearch = loadBaseline(await readFile(side.snapshotPath, 'utf8'));
  const dates = new Map(JSON.parse(await readFile(side.datesPath, 'utf8')) as [string, number][]);
  return (request) => baselineSearch(miniSearch, request, dates).length;
}

/** Production as its search function has it: loaded from the stored snapshot (close: its workers). */
export async function loadProductionSearch(
  side: BuiltSide,
): Promise<SearchFn & { close: () => Promise<void> }> {
  const index = await loadProductionSnapshot(await readFile(side.snapshotPath), tsxWorkerScript());
  return Object.assign((request: SearchRequest) => searchProduction(index, request), {
    close: async () => index.close?.(),
  });
}
