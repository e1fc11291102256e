import type { SearchRequest, SearchResponse } from '../documents/search-types';
import type { SuggestResponse } from '../query/suggest';
import { combinedVersion, searchSteps } from './coordinator';
import type { PartitionInfo, PublishedLayout } from './protocol';
import { PartitionUnavailableError, type RemotePartitionHost, StalePartitionsError } from './remote-host';
import type { Placement, Round } from './rounds';
import { suggestSteps } from './suggest-steps';

/**
 * The search coordinator over partition functions: a search function that holds no partitions and
 * answers every request from hosts elsewhere (remote-host.ts), as one index over the archive would.
 *
 * When a function cannot answer (timed out, throttled after the transport's bounded retries,
 * crashed), the request is planned again without its partitions and the answer says so in
 * `incomplete`: which partitions, with their time ranges, were not searched. Its `total`, facets and
 * hits are then exact for the partitions that answered, and never presented as the archive's. A
 * function that holds newer partition versions than planned with (a refresh between two rounds)
 * makes the request plan again with the new versions, at most {@link STALE_REPLANS} times.
 *
 * Cold partition functions are woken together: the first request (or {@link RemoteSearch.open})
 * sends every function its first call in parallel.
 */

/** Times a request is planned again because a partition changed version under it. */
export const STALE_REPLANS = 3;

type Steps<T> = Generator<Round, T, unknown[]>;

/** Partitions not searched, as `SearchResponse.incomplete` reports them. */
export interface MissingPartitions {
  missing: { partition: string; from: string | null; to: string | null }[];
  /** Partition functions that did not answer and whose partitions are not known yet. */
  unreachable: string[];
}

class HostsFailed extends Error {
  constructor(readonly hosts: RemotePartitionHost[]) {
    super(`partition functions did not answer: ${hosts.map((h) => h.name).join(', ')}`);
  }
}

export interface RemoteSearchOptions {
  /**
   * A function not heard from for this long is asked what it holds before a request is planned
   * (default 2000 ms, the partition functions' refresh interval): replies carry what a function
   * holds, but a function no request needed (nothing published yet, dates filtered out) sends none.
   */
  describeAfterMs?: number;
  /** Called with what an incomplete answer lacked (the coordinator logs it). */
  onIncomplete?: (missing: MissingPartitions) => void;
}

export class RemoteSearch {
  private constructor(
    private readonly hosts: readonly RemotePartitionHost[],
    private readonly options: RemoteSearchOptions,
  ) {}

  /** Asks every function what it holds, all at once (which also wakes cold ones in parallel). */
  static async open(
    hosts: readonly RemotePartitionHost[],
    options: RemoteSearchOptions = {},
  ): Promise<RemoteSearch> {
    const search = new RemoteSearch(hosts, options);
    await search.describeUnknown(new Set());
    return search;
  }

  /** Live articles over the partitions known (a function that never answered counts none). */
  get size(): number {
    return this.placements(new Set()).reduce((sum, p) => sum + p.info.documentCount, 0);
  }

  get partitions(): PartitionInfo[] {
    return this.placements(new Set()).map((p) => p.info);
  }

  get indexVersion(): string {
    return combinedVersion(this.placements(new Set()));
  }

  /** Round trips sent so far, over all functions. */
  get invocations(): number {
    return this.hosts.reduce((sum, host) => sum + host.invocations, 0);
  }

  async query(request: SearchRequest): Promise<SearchResponse> {
    const { value, failed } = await this.tolerant((placements) => searchSteps(placements, request));
    const incomplete = this.missing(failed);
    if (!incomplete) return value;
    this.options.onIncomplete?.(incomplete);
    return { ...value, incomplete };
  }

  async suggest(q: string, limit?: number): Promise<SuggestResponse> {
    return (await this.tolerant((placements) => suggestSteps(placements, q, limit))).value;
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.close()));
  }

  /**
   * One partition per key: its owner, or while it is being handed over (assignment.ts) the former
   * owner until the new one serves it; among equals the first function in configuration order.
   */
  private placements(failed: ReadonlySet<RemotePartitionHost>): Placement<RemotePartitionHost>[] {
    const byKey = new Map<string, Placement<RemotePartitionHost>>();
    for (const host of this.hosts) {
      if (failed.has(host)) continue;
      for (const info of host.partitions ?? []) {
        const placed = byKey.get(info.key);
        if (!placed || (placed.info.draining && !info.draining)) byKey.set(info.key, { host, info });
      }
    }
    return [...byKey.values()].sort((a, b) => (a.info.key < b.info.key ? -1 : 1));
  }

  private missing(failed: ReadonlySet<RemotePartitionHost>): MissingPartitions | null {
    const placements = this.placements(failed);
    const served = new Set(placements.map((p) => p.info.key));
    const missing = new Map<string, MissingPartitions['missing'][number]>();
    const unreachable: string[] = [];
    // Index partitions of the newest publication any function loaded that no function serves now:
    // a hand-over in which neither owner holds it, or a new partition its owner has not loaded yet.
    const layout = this.newestLayout();
    if (layout) {
      const servedPartitions = new Set(placements.flatMap((p) => p.info.partition ?? []));
      for (const partition of layout.partitions) {
        if (!servedPartitions.has(partition.id))
          missing.set(partition.id, missingEntry(partition.id, partition));
      }
    }
    for (const host of failed) {
      if (!host.partitions) unreachable.push(host.name);
      for (const info of host.partitions ?? []) {
        // A segment of a partition the layout names is reported as that partition, above.
        if (served.has(info.key) || (layout && info.partition !== undefined)) continue;
        missing.set(info.key, missingEntry(info.key, info));
      }
    }
    if (missing.size === 0 && unreachable.length === 0) return null;
    return {
      missing: [...missing.values()].sort((a, b) => (a.partition < b.partition ? -1 : 1)),
      unreachable,
    };
  }

  private newestLayout(): PublishedLayout | null {
    let newest: PublishedLayout | null = null;
    for (const host of this.hosts) {
      if (host.published && host.published.version > (newest?.version ?? 0)) newest = host.published;
    }
    return newest;
  }

  /**
   * Functions that never answered, or not lately, are asked what they hold; those that fail are
   * `failed` for this request.
   */
  private async describeUnknown(failed: Set<RemotePartitionHost>): Promise<void> {
    const since = Date.now() - (this.options.describeAfterMs ?? 2000);
    const unknown = this.hosts.filter(
      (host) => (!host.partitions || host.heardAt < since) && !failed.has(host),
    );
    const outcomes = await Promise.allSettled(unknown.map((host) => host.describe()));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') failed.add(unknown[i] as RemotePartitionHost);
    });
  }

  /** Runs coordination steps, planning again without functions that fail and after stale answers. */
  private async tolerant<T>(
    steps: (placements: readonly Placement[]) => Steps<T>,
  ): Promise<{ value: T; failed: Set<RemotePartitionHost> }> {
    const failed = new Set<RemotePartitionHost>();
    await this.describeUnknown(failed);
    for (let stale = 0; ; ) {
      try {
        return { value: await drive(steps(this.placements(failed))), failed };
      } catch (error) {
        if (error instanceof HostsFailed) {
          for (const host of error.hosts) failed.add(host);
        } else if (error instanceof StalePartitionsError && stale < STALE_REPLANS) {
          stale++;
        } else {
          throw error;
        }
      }
    }
  }
}

/** How an answer names a partition it lacks: its key and time range. */
function missingEntry(
  partition: string,
  range: { firstMs: number | null; lastMs: number | null },
): MissingPartitions['missing'][number] {
  return {
    partition,
    from: range.firstMs === null ? null : new Date(range.firstMs).toISOString(),
    to: range.lastMs === null ? null : new Date(range.lastMs).toISOString(),
  };
}

/** Like coordinator.ts's runAsync, but a round names every function that failed in it. */
async function drive<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    const round = step.value;
    const calls = new Map<RemotePartitionHost, string[]>();
    for (const placement of round.placements) {
      const host = placement.host as RemotePartitionHost;
      const keys = calls.get(host);
      if (keys) keys.push(placement.info.key);
      else calls.set(host, [placement.info.key]);
    }
    const entries = [...calls];
    const outcomes = await Promise.allSettled(
      entries.map(([host, keys]) =>
        (host[round.method] as (...args: unknown[]) => Promise<unknown>).apply(host, round.args(keys)),
      ),
    );
    const failedHosts = entries
      .filter((_, i) => {
        const outcome = outcomes[i];
        return outcome?.status === 'rejected' && outcome.reason instanceof PartitionUnavailableError;
      })
      .map(([host]) => host);
    if (failedHosts.length > 0) throw new HostsFailed(failedHosts);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (rejected) throw rejected.reason;
    step = steps.next(outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value));
  }
  return step.value;
}
