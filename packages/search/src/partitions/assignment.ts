/**
 * Which partition function holds which partition. Every function computes the same assignment from
 * the same list (the partitions of the published index, oldest first, with their sizes), so no
 * coordination is needed.
 *
 * The rule: in key order (oldest first), each partition goes to the function holding the fewest
 * bytes so far (ties: the lowest index). Why this rule:
 * - **Stable as the archive grows.** A partition's function depends only on the partitions before
 *   it, so a new period's partition (always the newest key) never moves an existing one, and the
 *   newest partition growing does not move itself either. Only a change in the size of an older
 *   partition (a takedown, a merge) can shift the ones after it.
 * - **Balanced.** No function holds more than the average plus one partition: greedy list
 *   scheduling's bound. With partitions cut by size (a bounded share each), that is tight enough to
 *   size every function for `average + largest partition`.
 *
 * A move never leaves a partition unserved: a function keeps serving the partitions it lost for a
 * hand-over period (partition-holder.ts) while the new owner loads them, and the coordinator prefers
 * the owner once it holds the partition (remote-search.ts).
 */
export function assignPartitions(
  partitions: readonly { key: string; bytes: number }[],
  functions: number,
): Map<string, number> {
  if (!Number.isInteger(functions) || functions < 1) throw new RangeError('functions must be at least 1');
  const load = new Array<number>(functions).fill(0);
  const out = new Map<string, number>();
  for (const { key, bytes } of [...partitions].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    let least = 0;
    for (let i = 1; i < functions; i++) if ((load[i] as number) < (load[least] as number)) least = i;
    out.set(key, least);
    load[least] = (load[least] as number) + bytes;
  }
  return out;
}

/** How many partition functions an archive of `articles` needs at `articlesPerFunction` each. */
export function functionsFor(articles: number, articlesPerFunction: number): number {
  return Math.max(1, Math.ceil(articles / articlesPerFunction));
}
