import { SEARCH_FIELDS } from '../minisearch/index-definition';
import { addTermStats, emptyTermStats, globalTerms } from './merge';
import type { GlobalTerms, HostMethod, PartitionInfo, TermLookup, TermStats } from './protocol';

/**
 * The shape of the coordinator's rounds (coordinator.ts): where partitions are, what one round asks
 * of their hosts, and round 1 itself, which searches and suggestions (suggest-steps.ts) both start
 * with.
 */

/** A partition and which host holds it (`host` is the driver's handle, opaque here). */
export interface Placement<H = unknown> {
  host: H;
  info: PartitionInfo;
}

/** A call of `method` on the hosts of `placements`, each with the keys of its own partitions. */
export interface Round {
  method: HostMethod;
  placements: readonly Placement[];
  args: (keys: string[]) => unknown[];
}

export type Steps<T> = Generator<Round, T, unknown[]>;

/** Round 1 (protocol.ts): archive-wide statistics and expansions for a lookup. */
export function* archiveTerms(placements: readonly Placement[], lookup: TermLookup): Steps<GlobalTerms> {
  const stats = yield* summedTermStats(placements, lookup);
  // A fuzzy word finds a stem in the partitions holding a word close to it, while others hold the
  // same stem through other words ("power" here, only "powers" there) and did not count it: the
  // stems found are counted again in every partition, so their frequencies are the archive's.
  const found = new Set([...stats.fuzzy.values()].flatMap((matches) => matches.map(([term]) => term)));
  if (found.size > 0) {
    const counted = yield* summedTermStats(placements, { terms: [...found], prefixes: [], fuzzy: [] });
    for (const term of found) {
      const perField = counted.df.get(term);
      if (perField) stats.df.set(term, perField);
      else stats.df.delete(term);
    }
  }
  return globalTerms(stats, lookup);
}

function* summedTermStats(placements: readonly Placement[], lookup: TermLookup): Steps<TermStats> {
  const parts = (yield {
    method: 'termStats',
    placements,
    args: (keys) => [keys, lookup],
  }) as TermStats[];
  return parts.reduce(addTermStats, emptyTermStats(SEARCH_FIELDS.length));
}
