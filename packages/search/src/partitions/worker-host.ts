import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ArchiveIndex } from '../documents/archive-index';
import type { SearchHit } from '../documents/search-types';
import type { WordCounts } from '../query/relax';
import { inflatePart, type PackedPart } from '../snapshot/snapshot-codec';
import { LocalPartitionHost } from './local-host';
import type {
  BonusRequest,
  FeedbackCandidate,
  HostMethod,
  PartitionHost,
  PartitionInfo,
  PartitionQuery,
  PartitionResult,
  RenderRequest,
  TermLookup,
  TermStats,
} from './protocol';

/**
 * Partitions held by a worker thread. A search function with several vCPUs (Lambda gives one per
 * 1,769 MB) loads its partitions in parallel, one worker per share, and a query runs on every share
 * at once: the cold start and a broad query's latency divide by the number of workers, which
 * one thread cannot do (loading and scoring are CPU-bound JavaScript).
 */

interface WorkerData {
  partitionWorker: true;
}

type Reply = { id: number; result: unknown } | { id: number; error: { name: string; message: string } };

export interface WorkerHostOptions {
  /**
   * The script the worker runs: any module that calls {@link servePartitionsIfWorker} at its top
   * (a bundled Lambda entry can pass its own file).
   */
  script: URL | string;
  /**
   * The script is TypeScript source (tests, and the bench run by tsx): the worker registers tsx
   * first. Node's `--import` in a worker's execArgv does not apply to the worker's entry itself.
   */
  typescript?: boolean;
}

export class WorkerPartitionHost implements PartitionHost {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply)
        waiter.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      else waiter.resolve(reply.result);
    });
    const failAll = (error: Error) => {
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`partition worker exited with code ${code}`)));
  }

  /** Starts a worker; partitions are handed to it with {@link load}. */
  static start(options: WorkerHostOptions): WorkerPartitionHost {
    const data: WorkerData = { partitionWorker: true };
    const worker = options.typescript
      ? new Worker(tsxBootstrap(options.script), { eval: true, workerData: data })
      : new Worker(options.script, { workerData: data });
    // Not awaited here: a worker that fails to start rejects the first call.
    return new WorkerPartitionHost(worker);
  }

  /**
   * Hands a partition's compressed chunks to the worker, which inflates and decodes them. The
   * bytes are moved, not copied (`packPart` gives them a buffer of their own).
   */
  load(key: string, part: PackedPart): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve: () => resolve(), reject });
      this.worker.postMessage({ id, method: 'load', args: [key, part] }, [part.stored.buffer as ArrayBuffer]);
    });
  }

  private call<T>(method: HostMethod, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  describe(): Promise<PartitionInfo[]> {
    return this.call('describe');
  }
  termStats(keys: string[], lookup: TermLookup): Promise<TermStats> {
    return this.call('termStats', keys, lookup);
  }
  feedback(keys: string[], query: PartitionQuery, count: number): Promise<FeedbackCandidate[]> {
    return this.call('feedback', keys, query, count);
  }
  wordCounts(keys: string[], query: PartitionQuery): Promise<WordCounts> {
    return this.call('wordCounts', keys, query);
  }
  search(keys: string[], query: PartitionQuery): Promise<PartitionResult[]> {
    return this.call('search', keys, query);
  }
  bonuses(requests: BonusRequest[], query: PartitionQuery): Promise<Map<string, number>> {
    return this.call('bonuses', requests, query);
  }
  render(requests: RenderRequest[]): Promise<SearchHit[]> {
    return this.call('render', requests);
  }
  surfaceForms(keys: string[], terms: string[], startingWith: string): Promise<Map<string, string>> {
    return this.call('surfaceForms', keys, terms, startingWith);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * In a worker started by {@link WorkerPartitionHost.start}: answers `load` and the host calls;
 * elsewhere does nothing. Returns whether this thread is such a worker.
 */
export function servePartitionsIfWorker(): boolean {
  const data = workerData as Partial<WorkerData> | null;
  if (isMainThread || !parentPort || !data?.partitionWorker) return false;
  const port = parentPort;
  const partitions = new Map<string, ArchiveIndex>();
  const host = new LocalPartitionHost(partitions);
  port.on(
    'message',
    async ({ id, method, args }: { id: number; method: HostMethod | 'load'; args: unknown[] }) => {
      try {
        let result: unknown;
        if (method === 'load') {
          const [key, part] = args as [string, PackedPart];
          args.length = 0;
          const raw = await inflatePart(part);
          // The compressed bytes are garbage from here: let them go before decoding fills the heap.
          (part as Partial<PackedPart>).stored = undefined;
          partitions.set(key, ArchiveIndex.deserialize(raw));
        } else {
          result = (host[method] as (...a: unknown[]) => unknown).apply(host, args);
        }
        port.postMessage({ id, result } satisfies Reply);
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        port.postMessage({ id, error: { name: e.name, message: e.message } } satisfies Reply);
      }
    },
  );
  return true;
}

/** A worker body that registers tsx, then imports a TypeScript entry. */
function tsxBootstrap(script: URL | string): string {
  const url = script instanceof URL ? script.href : script;
  return `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); });`;
}
