import { LRUCache } from 'lru-cache';
import type { SearchHit } from '../documents/search-types';
import type { FuzzyMatch } from '../query/fuzzy';
import type { WordCounts } from '../query/relax';
import { escapeHtml } from '../text/snippet';
import { addTermStats } from './merge';
import type { FoldedCounts, FoldedSearch } from './partition-service';
import {
  type BonusRequest,
  type FeedbackCandidate,
  fuzzyKey,
  type PartitionHost,
  type PartitionInfo,
  type PartitionQuery,
  type PartitionResult,
  type PublishedLayout,
  type RenderRequest,
  type TermLookup,
  type TermStats,
} from './protocol';
import { fromWire, toWire, type WireDocument, type WireMethod, type WireReply } from './wire';

/**
 * Partitions held by another function, reached through a {@link PartitionTransport} (on AWS the
 * Lambda Invoke API: packages/store's LambdaPartitionTransport). It implements the same
 * {@link PartitionHost} the coordinator drives worker threads with, and folds the rounds so that a
 * common query costs one or two round trips instead of three or four (docs/SCALING.md):
 *
 * - **Statistics cached per (partition version, term).** Round 1's figures of a partition change only
 *   when the partition does, so each partition's document count, field lengths, per-term
 *   frequencies and prefix/fuzzy expansions are kept; a query whose words were all seen at the
 *   current versions costs no round 1 at all, and otherwise only its unseen words are asked for.
 * - **Search folded with bonuses and snippets** (partition-service.ts's `searchFolded`): rounds 3 and
 *   4 are answered from the search round's reply when it holds what they ask for.
 *
 * Every call carries the partition versions the coordinator planned with; a host that has since
 * loaded another version answers `stale`, and {@link StalePartitionsError} tells the coordinator to
 * plan again (remote-search.ts), so statistics of two versions are never mixed.
 */

/** Sends one wire document to a partition function and returns its reply document. */
export interface PartitionTransport {
  /** Rejects on timeout, throttling (after its own bounded retries) or a failed invocation. */
  invoke(document: WireDocument): Promise<unknown>;
  close?(): void;
}

/** The host's partitions changed versions since the coordinator planned (see module comment). */
export class StalePartitionsError extends Error {
  override readonly name = 'StalePartitionsError';
}

/** The function could not answer (timeout, throttled, crashed): its partitions are missing. */
export class PartitionUnavailableError extends Error {
  override readonly name = 'PartitionUnavailableError';
}

/** Errors a partition reports that are the request's fault (4xx), rethrown as such. */
const REQUEST_ERRORS = new Set(['QueryError', 'SearchRequestError']);

export interface RemoteHostOptions {
  /** Partition-version statistics kept (entries are one term, prefix or fuzzy word of one partition). */
  statsCacheEntries?: number;
  /** Rendered hits kept between the search round and the render round. */
  renderCacheEntries?: number;
}

type StatsEntry = number[] | string[] | FuzzyMatch[] | null;

export class RemotePartitionHost implements PartitionHost {
  /** The partitions this host said it holds in its last reply (null until it answered once). */
  partitions: PartitionInfo[] | null = null;
  /** The newest publication layout its replies carried (partition functions send it). */
  published: PublishedLayout | null = null;
  /** Invocations sent (the bench and tests count round trips with it). */
  invocations = 0;
  /** When this host last answered (epoch ms), whatever the call. */
  heardAt = Number.NEGATIVE_INFINITY;
  private readonly stats: LRUCache<string, { value: StatsEntry }>;
  private readonly rendered: LRUCache<string, SearchHit>;
  private readonly counts = new LRUCache<string, WordCounts>({ max: 5_000 });
  /**
   * Searches answered ahead with the word counts (partition-service.ts's `wordCountsFolded`), by the
   * query's statistics object: one per request, dropped with it.
   */
  private readonly speculated = new WeakMap<
    PartitionQuery['global'],
    { keys: string; query: PartitionQuery; search: FoldedSearch }
  >();
  /** Bonuses of the `best` of each query's search round, by query (the coordinator passes the same object). */
  private readonly foldedBonuses = new WeakMap<PartitionQuery, Map<string, number>>();

  constructor(
    readonly name: string,
    private readonly transport: PartitionTransport,
    options: RemoteHostOptions = {},
  ) {
    // Bounded by `maxSize` (each entry counting 1) rather than `max`: with `max`, lru-cache allocates
    // its arrays for every entry up front, which for 200,000 entries cost each host ~17 ms of the
    // coordinator's cold start (K hosts, K times over) for a cache that fills over hours.
    this.stats = new LRUCache({ maxSize: options.statsCacheEntries ?? 200_000, sizeCalculation: () => 1 });
    this.rendered = new LRUCache({ max: options.renderCacheEntries ?? 5_000 });
  }

  /**
   * The search a `wordCountsFolded` call answered ahead, if `query` is the one it was answered for:
   * the same request, statistics and cursor (the coordinator's objects, unchanged between its rounds),
   * the same decision about words, and the same partitions at the same versions.
   */
  private takeSpeculated(keys: string[], query: PartitionQuery): FoldedSearch | undefined {
    const ahead = this.speculated.get(query.global);
    if (!ahead) return undefined;
    this.speculated.delete(query.global);
    const asked = ahead.query;
    const same =
      asked.request === query.request &&
      asked.after === query.after &&
      asked.snippets === query.snippets &&
      asked.weights === undefined &&
      query.weights === undefined &&
      JSON.stringify(asked.words) === JSON.stringify(query.words) &&
      ahead.keys === this.versionsOf(keys);
    return same ? ahead.search : undefined;
  }

  private versionsOf(keys: readonly string[]): string {
    return JSON.stringify(keys.map((key) => `${key}@${this.version(key)}`));
  }

  private version(key: string): string {
    return this.partitions?.find((p) => p.key === key)?.version ?? '?';
  }

  /**
   * Every call but `describe` names every partition this host was known to hold and their versions:
   * a host that gained, lost or reloaded one since then answers `stale` (partition-service.ts).
   */
  private async call<T>(method: WireMethod, args: unknown[]): Promise<T> {
    const expect =
      method === 'describe' || !this.partitions
        ? undefined
        : this.partitions.map((p): [string, string] => [p.key, p.version]);
    this.invocations++;
    let reply: WireReply;
    try {
      reply = fromWire<WireReply>(
        await this.transport.invoke(toWire(expect ? { method, args, expect } : { method, args })),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new PartitionUnavailableError(`partition function ${this.name}: ${message}`, { cause: error });
    }
    this.heardAt = Date.now();
    if (reply.partitions) this.partitions = reply.partitions;
    if (reply.published && reply.published.version >= (this.published?.version ?? 0))
      this.published = reply.published;
    if (reply.ok) return reply.result as T;
    if ('stale' in reply)
      throw new StalePartitionsError(`partition function ${this.name} holds newer versions`);
    const error = Object.assign(new Error(reply.error.message), { name: reply.error.name });
    if (REQUEST_ERRORS.has(reply.error.name)) throw error;
    throw new PartitionUnavailableError(`partition function ${this.name}: ${reply.error.message}`, {
      cause: error,
    });
  }

  async describe(): Promise<PartitionInfo[]> {
    return this.call<PartitionInfo[]>('describe', []);
  }

  async termStats(keys: string[], lookup: TermLookup): Promise<TermStats> {
    const missing = keys.flatMap((key) => {
      const need = this.uncached(key, lookup);
      return need ? [{ key, need }] : [];
    });
    if (missing.length > 0) {
      // One lookup for all partitions that miss something: the union of what they miss. Without
      // `spellcheck`: expansions are cached by word and distance, so they must be whole (a remote
      // partition answers one request per invocation, where a longer walk delays no other).
      const union: TermLookup = {
        terms: [...new Set(missing.flatMap((m) => m.need.terms))],
        prefixes: [...new Set(missing.flatMap((m) => m.need.prefixes))],
        fuzzy: dedupeFuzzy(missing.flatMap((m) => m.need.fuzzy)),
      };
      const missingKeys = missing.map((m) => m.key);
      const each = await this.call<TermStats[]>('termStatsEach', [missingKeys, union]);
      missingKeys.forEach((key, i) => {
        this.remember(key, union, each[i] as TermStats);
      });
    }
    const [first, ...rest] = keys.map((key) => this.cachedStats(key, lookup));
    if (!first) throw new Error('termStats: no partition named');
    return rest.reduce(addTermStats, first);
  }

  async feedback(keys: string[], query: PartitionQuery, count: number): Promise<FeedbackCandidate[]> {
    return this.call('feedback', [keys, query, count]);
  }

  /**
   * Remembered per partition version and request (words, exclusions and filters), as the term
   * statistics are: a repeated plain-words query costs no extra round trip.
   */
  async wordCounts(keys: string[], query: PartitionQuery): Promise<WordCounts> {
    const id = JSON.stringify([
      keys.map((key) => `${key}@${this.version(key)}`),
      query.request.plan,
      query.request.mode,
      query.request.filters,
      query.words?.choice.searched,
    ]);
    const known = this.counts.get(id);
    if (known) return known;
    const folded = await this.call<FoldedCounts>('wordCountsFolded', [keys, query]);
    this.counts.set(id, folded.counts);
    this.speculated.set(query.global, { keys: this.versionsOf(keys), query, search: folded.search });
    return folded.counts;
  }

  async search(keys: string[], query: PartitionQuery): Promise<PartitionResult[]> {
    const folded =
      this.takeSpeculated(keys, query) ?? (await this.call<FoldedSearch>('searchFolded', [keys, query]));
    this.foldedBonuses.set(query, new Map(folded.bonuses));
    const owner = new Map<string, { key: string; terms: string[] }>();
    for (const r of folded.results) {
      for (const c of [...r.page, ...r.best]) owner.set(c.id, { key: r.key, terms: c.terms });
    }
    for (const hit of folded.rendered) {
      const from = owner.get(hit.id);
      if (from) this.rendered.set(renderKey(from.key, this.version(from.key), hit.id, from.terms), hit);
    }
    return folded.results;
  }

  async bonuses(requests: BonusRequest[], query: PartitionQuery): Promise<Map<string, number>> {
    const known = this.foldedBonuses.get(query);
    const ids = requests.flatMap((r) => r.ids);
    if (known && ids.every((id) => known.has(id)))
      return new Map(ids.map((id) => [id, known.get(id) as number]));
    return this.call('bonuses', [requests, query]);
  }

  async render(requests: RenderRequest[]): Promise<SearchHit[]> {
    const out: SearchHit[] = [];
    const missing: RenderRequest[] = [];
    for (const request of requests) {
      const { key, hits } = request;
      const absent: RenderRequest['hits'] = [];
      for (const hit of hits) {
        const found = this.rendered.get(renderKey(key, this.version(key), hit.id, hit.terms));
        // Rendered ahead with snippets; a request without them gets the same hit without them.
        if (found)
          out.push(
            request.snippets === false
              ? { ...found, score: hit.score, titleHighlighted: escapeHtml(found.title), snippet: '' }
              : { ...found, score: hit.score },
          );
        else absent.push(hit);
      }
      if (absent.length > 0) missing.push({ ...request, hits: absent });
    }
    if (missing.length > 0) {
      out.push(...(await this.call<SearchHit[]>('render', [missing])));
    }
    return out;
  }

  async surfaceForms(keys: string[], terms: string[], startingWith: string): Promise<Map<string, string>> {
    return this.call('surfaceForms', [keys, terms, startingWith]);
  }

  async close(): Promise<void> {
    this.transport.close?.();
  }

  /** What of `lookup` this partition's cache lacks at its current version, or null when nothing. */
  private uncached(key: string, lookup: TermLookup): TermLookup | null {
    const base = `${key}@${this.version(key)}`;
    const need: TermLookup = {
      terms: lookup.terms.filter((t) => !this.stats.has(`${base}\0t\0${t}`)),
      prefixes: lookup.prefixes.filter((p) => !this.expansionCached(base, `p\0${p}`)),
      fuzzy: lookup.fuzzy.filter((f) => !this.expansionCached(base, `f\0${fuzzyKey(f.word, f.distance)}`)),
    };
    const complete = need.terms.length + need.prefixes.length + need.fuzzy.length === 0;
    return complete && this.stats.has(`${base}\0n`) ? null : need;
  }

  /** A prefix or fuzzy expansion is usable when it and the frequency of each of its terms are cached. */
  private expansionCached(base: string, suffix: string): boolean {
    const entry = this.stats.get(`${base}\0${suffix}`)?.value as (string | FuzzyMatch)[] | undefined;
    return entry?.every((e) => this.stats.has(`${base}\0t\0${typeof e === 'string' ? e : e[0]}`)) ?? false;
  }

  private remember(key: string, lookup: TermLookup, stats: TermStats): void {
    const base = `${key}@${this.version(key)}`;
    this.stats.set(`${base}\0n`, { value: [stats.documentCount, ...stats.fieldLengthTotals] });
    for (const [term, perField] of stats.df) this.stats.set(`${base}\0t\0${term}`, { value: perField });
    // Asked-for words and expansions no document holds are remembered as absent too.
    const asked = [
      ...lookup.terms,
      ...[...stats.prefixes.values()].flat(),
      ...[...stats.fuzzy.values()].flatMap((matches) => matches.map(([term]) => term)),
    ];
    for (const term of asked) {
      if (!stats.df.has(term)) this.stats.set(`${base}\0t\0${term}`, { value: null });
    }
    for (const [typed, terms] of stats.prefixes) this.stats.set(`${base}\0p\0${typed}`, { value: terms });
    for (const [k, matches] of stats.fuzzy) this.stats.set(`${base}\0f\0${k}`, { value: matches });
  }

  /** The partition's round-1 answer for `lookup`, rebuilt from the cache as partitionTermStats gives it. */
  private cachedStats(key: string, lookup: TermLookup): TermStats {
    const base = `${key}@${this.version(key)}`;
    const get = <T extends StatsEntry>(suffix: string): T => {
      const entry = this.stats.get(`${base}\0${suffix}`);
      if (!entry) throw new StalePartitionsError(`statistics of ${key} left the cache during a query`);
      return entry.value as T;
    };
    const [documentCount, ...fieldLengthTotals] = get<number[]>('n');
    const stats: TermStats = {
      documentCount: documentCount ?? 0,
      fieldLengthTotals,
      df: new Map(),
      prefixes: new Map(),
      fuzzy: new Map(),
    };
    const terms = new Set(lookup.terms);
    for (const typed of lookup.prefixes) {
      const found = get<string[]>(`p\0${typed}`);
      stats.prefixes.set(typed, found);
      for (const term of found) terms.add(term);
    }
    for (const { word, distance } of lookup.fuzzy) {
      const k = fuzzyKey(word, distance);
      const found = get<FuzzyMatch[]>(`f\0${k}`);
      stats.fuzzy.set(k, found);
      for (const [candidate] of found) terms.add(candidate);
    }
    for (const term of terms) {
      const perField = get<number[] | null>(`t\0${term}`);
      // A copy: addTermStats sums into the first partition's arrays.
      if (perField) stats.df.set(term, [...perField]);
    }
    return stats;
  }
}

function renderKey(key: string, version: string, id: string, terms: readonly string[]): string {
  return `${key}@${version}\0${id}\0${terms.join('\0')}`;
}

function dedupeFuzzy(fuzzy: TermLookup['fuzzy']): TermLookup['fuzzy'] {
  const seen = new Map(fuzzy.map((f) => [fuzzyKey(f.word, f.distance), f]));
  return [...seen.values()];
}
