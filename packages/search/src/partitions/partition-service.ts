import type { ArchiveIndex } from '../documents/archive-index';
import type { SearchHit } from '../documents/search-types';
import type { WordCounts } from '../query/relax';
import { spellcheckBudget } from '../query/suggest';
import { LocalPartitionHost } from './local-host';
import { partitionBonuses, partitionTermStats, renderPartitionHits } from './partition-engine';
import type {
  Candidate,
  HostMethod,
  PartitionInfo,
  PartitionQuery,
  PartitionResult,
  PublishedLayout,
  TermLookup,
} from './protocol';
import { fromWire, toWire, type WireDocument, type WireReply, type WireRequest } from './wire';

/**
 * The partition side of a remote host: answers wire documents (wire.ts) from the partitions a
 * function holds. A partition function's handler is this service over its loaded partitions
 * (functions/partition.ts); remote-host.ts is the other end.
 *
 * Besides the host methods of protocol.ts it answers two folded calls, which exist because a round
 * trip to another function (10–30 ms in a region) costs more than the work they add here:
 * - `termStatsEach`: round 1 per partition rather than summed, so the coordinator can cache each
 *   partition's statistics by (partition version, term) and skip the round for words it has seen;
 * - `searchFolded`: round 2 plus, in the same answer, the proximity bonuses of every partition's
 *   `best` (a superset of the archive's best that round 3 asks for) and the rendered hits the merged
 *   page most likely takes from it, so a common query needs no third or fourth round;
 * - `wordCountsFolded`: the plain-words counts (whether the default mode relaxes) plus, in the same
 *   answer, the folded search under the decision asked about (every word required), which is the
 *   search the coordinator sends next unless the counts say to relax: a common query of new words
 *   then costs two round trips (statistics, counts with search) instead of three.
 */
export class PartitionService {
  private host: LocalPartitionHost;
  private infos: PartitionInfo[];

  /**
   * @param labels the version each partition is reported under (default: the index's own change
   *   counter) and whether it is being handed over to another function (partition-holder.ts)
   */
  constructor(
    private partitions: ReadonlyMap<string, ArchiveIndex>,
    labels: ReadonlyMap<string, PartitionLabel> = new Map(),
    private published: PublishedLayout | null = null,
  ) {
    this.host = new LocalPartitionHost(partitions);
    this.infos = describeWith(this.host, labels);
  }

  /** Swaps in newly loaded partitions (a refresh); calls after this answer from them. */
  replace(
    partitions: ReadonlyMap<string, ArchiveIndex>,
    labels: ReadonlyMap<string, PartitionLabel> = new Map(),
    published: PublishedLayout | null = null,
  ): void {
    this.partitions = partitions;
    this.host = new LocalPartitionHost(partitions);
    this.infos = describeWith(this.host, labels);
    this.published = published;
  }

  describe(): PartitionInfo[] {
    return this.infos;
  }

  /** Answers one request document with one reply document (never throws). */
  answer(document: unknown): WireDocument {
    let reply: WireReply;
    const layout = this.published ? { published: this.published } : {};
    try {
      const request = fromWire<WireRequest>(document);
      const stale = request.expect !== undefined && !sameVersions(request.expect, this.infos);
      reply = stale
        ? { ok: false, stale: true, partitions: this.infos, ...layout }
        : { ok: true, result: this.call(request), partitions: this.infos, ...layout };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = { ok: false, error: { name: e.name, message: e.message }, partitions: this.infos, ...layout };
    }
    return toWire(reply);
  }

  private call({ method, args }: WireRequest): unknown {
    switch (method) {
      case 'describe':
        return this.infos;
      case 'termStatsEach': {
        const [keys, lookup] = args as [string[], TermLookup];
        const budget = spellcheckBudget();
        return keys.map((key) => partitionTermStats(this.index(key), lookup, budget));
      }
      case 'searchFolded': {
        const [keys, query] = args as [string[], PartitionQuery];
        return this.searchFolded(keys, query);
      }
      case 'wordCountsFolded': {
        const [keys, query] = args as [string[], PartitionQuery];
        const folded: FoldedCounts = {
          counts: this.host.wordCounts(keys, query),
          search: this.searchFolded(keys, query),
        };
        return folded;
      }
      default:
        return (this.host[method as HostMethod] as (...a: unknown[]) => unknown).apply(this.host, args);
    }
  }

  private index(key: string): ArchiveIndex {
    const index = this.partitions.get(key);
    if (!index) throw new Error(`no partition ${key} on this host`);
    return index;
  }

  private searchFolded(keys: string[], query: PartitionQuery): FoldedSearch {
    const results = this.host.search(keys, query);
    const bonuses: [string, number][] = [];
    const rendered: SearchHit[] = [];
    for (const result of results) {
      const index = this.index(result.key);
      const bonus =
        result.best.length > 0
          ? partitionBonuses(
              index,
              query,
              result.best.map((c) => c.id),
            )
          : new Map<string, number>();
      bonuses.push(...bonus);
      if (query.snippets !== false)
        rendered.push(...renderPartitionHits(index, likelyPage(result, query, bonus)));
    }
    return { results, bonuses, rendered };
  }
}

/** The answer of `searchFolded`. */
export interface FoldedSearch {
  results: PartitionResult[];
  /** Proximity bonus of each partition's `best` (relevance with word pairs), by id. */
  bonuses: [string, number][];
  /** Hits rendered ahead (their `score` is replaced by the merged one). */
  rendered: SearchHit[];
}

/** The answer of `wordCountsFolded`. */
export interface FoldedCounts {
  counts: WordCounts;
  /** `searchFolded` of the same query (the decision that requires every word). */
  search: FoldedSearch;
}

/**
 * The hits of a partition the merged page most likely shows: its first `limit` by its own order,
 * and, with a re-rank, its first `limit` of `best` after the cursor by score plus bonus. A page hit
 * outside these (a re-rank that promoted a hit of another partition's `best` less) is rendered by a
 * render round, so this is a guess that only saves time, never changes an answer.
 */
function likelyPage(
  result: PartitionResult,
  query: PartitionQuery,
  bonus: ReadonlyMap<string, number>,
): { id: string; score: number; terms: string[] }[] {
  const chosen = new Map<string, Candidate>();
  for (const c of result.page.slice(0, query.request.limit)) chosen.set(c.id, c);
  if (result.best.length > 0) {
    const after = query.after;
    const final = (c: Candidate) => c.score + (bonus.get(c.id) ?? 0);
    const promoted = result.best
      .filter((c) => !after || final(c) < after.k || (final(c) === after.k && c.id > after.i))
      .sort((a, b) => final(b) - final(a) || (a.id < b.id ? -1 : 1))
      .slice(0, query.request.limit);
    for (const c of promoted) chosen.set(c.id, c);
  }
  return [...chosen.values()].map(({ id, score, terms }) => ({ id, score, terms }));
}

/** Whether the caller planned with exactly the partitions, at the versions, this host holds. */
function sameVersions(expect: readonly [string, string][], infos: readonly PartitionInfo[]): boolean {
  if (expect.length !== infos.length) return false;
  const held = new Map(infos.map((info) => [info.key, info.version]));
  return expect.every(([key, version]) => held.get(key) === version);
}

export interface PartitionLabel {
  version: string;
  draining: boolean;
  /** The index partition it belongs to (a segment of a partition function). */
  partition?: string;
}

function describeWith(
  host: LocalPartitionHost,
  labels: ReadonlyMap<string, PartitionLabel>,
): PartitionInfo[] {
  return host.describe().map((info) => {
    const label = labels.get(info.key);
    if (!label) return info;
    return {
      ...info,
      version: label.version,
      ...(label.draining ? { draining: true } : {}),
      ...(label.partition === undefined ? {} : { partition: label.partition }),
    };
  });
}
