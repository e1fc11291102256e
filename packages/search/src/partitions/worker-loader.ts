import { availableParallelism } from 'node:os';
import { openSnapshot } from '../snapshot-codec';
import { PartitionedSearch } from './coordinator';
import {
  CONTAINER_PREAMBLE,
  containerHeaderEnd,
  partitionRanges,
  readContainerHeader,
} from './partitioned-index';
import { type WorkerHostOptions, WorkerPartitionHost } from './worker-host';

/**
 * Worker threads for a search process: `configured` when given, else one per core when there are
 * several (a single core gains nothing from a worker and pays the messaging), else 0 (this thread).
 */
export function defaultSearchWorkers(configured?: number): number {
  if (configured !== undefined) return configured;
  const cores = availableParallelism();
  return cores > 1 ? cores : 0;
}

export interface WorkerLoadOptions extends WorkerHostOptions {
  /** Worker threads to spread the partitions over (at least 1; one per vCPU is the useful most). */
  workers: number;
}

/**
 * Loads a stored snapshot (snapshot-codec.ts, a PartitionedIndex payload) into worker threads
 * and returns a search over them: the workers start at once (their start-up overlaps the
 * decompression), this thread verifies and decompresses, and each partition is handed to its
 * worker as soon as its bytes are in, so decoding runs on every worker in parallel while later
 * partitions still inflate. Partitions are spread so that workers get similar byte counts.
 *
 * @example
 * const search = await loadSnapshotIntoWorkers(bytes, { workers: 2, script: workerScript });
 * const page = await search.query({ q: 'geneva' });
 */
export async function loadSnapshotIntoWorkers(
  stored: Uint8Array,
  options: WorkerLoadOptions,
): Promise<PartitionedSearch> {
  const hosts = Array.from({ length: Math.max(1, Math.trunc(options.workers)) }, () =>
    WorkerPartitionHost.start(options),
  );
  try {
    const { out: payload, ready, done } = openSnapshot(stored);
    await ready(Math.min(payload.byteLength, CONTAINER_PREAMBLE));
    await ready(containerHeaderEnd(payload));
    const { header, offset } = readContainerHeader(payload);
    const ranges = partitionRanges(header, offset);
    const load = new Array<number>(hosts.length).fill(0);
    const owner = new Map<string, WorkerPartitionHost>();
    for (const range of [...ranges].sort((a, b) => b.end - b.start - (a.end - a.start))) {
      const least = load.indexOf(Math.min(...load));
      load[least] = (load[least] ?? 0) + (range.end - range.start);
      owner.set(range.key, hosts[least] as WorkerPartitionHost);
    }
    const loads: Promise<void>[] = [];
    for (const range of ranges) {
      await ready(range.end);
      // A copy of its own, moved to the worker (this thread's payload buffer is dropped after).
      loads.push(
        (owner.get(range.key) as WorkerPartitionHost).load(range.key, payload.slice(range.start, range.end)),
      );
    }
    await Promise.all([...loads, done]);
    return await PartitionedSearch.open(hosts);
  } catch (error) {
    await Promise.all(hosts.map((host) => host.close()));
    throw error;
  }
}
