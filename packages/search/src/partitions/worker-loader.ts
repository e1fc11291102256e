import { availableParallelism } from 'node:os';
import { chunkLayout, inflatePart, packPart, verifySnapshot } from '../snapshot/snapshot-codec';
import { PartitionedSearch } from './coordinator';
import { partitionRanges, readContainerHeader } from './partitioned-index';
import { type WorkerHostOptions, WorkerPartitionHost } from './worker-host';

/**
 * Worker threads for a search process: `configured` when given, else 0 (the loading thread).
 * Measured on 2 cores (docs/SCALING.md), two workers loaded 100k articles no faster than one
 * thread (2.85 s both) and held 90 MB more, so workers are opt-in, for functions with more vCPUs
 * than that; at most one per core is useful.
 */
export function defaultSearchWorkers(configured?: number): number {
  return Math.min(configured ?? 0, availableParallelism());
}

export interface WorkerLoadOptions extends WorkerHostOptions {
  /** Worker threads to spread the partitions over (at least 1; one per vCPU is the useful most). */
  workers: number;
}

/**
 * Loads a stored snapshot (snapshot-codec.ts, a PartitionedIndex payload) into worker threads
 * and returns a search over them: the workers start at once (their start-up overlaps the checksum),
 * this thread verifies the snapshot and reads the partition table, and each worker gets the
 * compressed chunks of its partitions (the codec cuts chunks at partition starts), which it
 * inflates and decodes itself: both run on every worker in parallel, and the decompressed
 * archive never exists whole in one thread. Partitions are spread so that workers get similar
 * byte counts.
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
    // Checked here once (the workers start meanwhile); each worker inflates only its partitions.
    const header = verifySnapshot(stored);
    const firstChunk = chunkLayout(header)[0];
    const head = await inflatePart(packPart(stored, 0, firstChunk?.rawEnd ?? 0));
    const { header: container, offset } = readContainerHeader(head);
    const ranges = partitionRanges(container, offset);
    const load = new Array<number>(hosts.length).fill(0);
    const loads = [...ranges]
      .sort((a, b) => b.end - b.start - (a.end - a.start))
      .map((range) => {
        const least = load.indexOf(Math.min(...load));
        load[least] = (load[least] ?? 0) + (range.end - range.start);
        const host = hosts[least] as WorkerPartitionHost;
        return host.load(range.key, packPart(stored, range.start, range.end));
      });
    await Promise.all(loads);
    return await PartitionedSearch.open(hosts);
  } catch (error) {
    await Promise.all(hosts.map((host) => host.close()));
    throw error;
  }
}
