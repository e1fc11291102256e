import { createdMsOfKey } from './segment-manifest';

/**
 * The garbage-collection rule for segment and state blobs (docs/INDEX-LIFECYCLE.md).
 *
 * A blob may be deleted only when
 *   1. no kept state references it (the current one and those kept for rollback), and
 *   2. it stopped being needed more than `graceMs` ago: for a segment a publication retired (a
 *      merge, a rebuild, a rollback), the time of the latest retirement record naming it
 *      (collect-garbage.ts; a store of an earlier build: its state's inline `retired` list); for a
 *      state that fell out of the rollback window, when the next version was written; for any other
 *      unreferenced blob (written by a publication that lost its compare-and-swap or died before
 *      it), the time it was written, which its key carries.
 *
 * Why that is safe: a reader follows the manifest to a state and then to its segments, and an
 * in-flight writer writes its segments before it swaps; both finish within a Lambda invocation
 * (15 minutes at most), so a grace period at least that long means no reader can still be loading
 * a blob that is deleted, and no writer's unpublished blob is taken from under it. A blob whose key
 * this build did not make is never touched.
 */
export const DEFAULT_GRACE_MS = 15 * 60_000;

export interface GarbageInput {
  /** Keys found in the store (segments and states). */
  listed: readonly string[];
  /** Keys the kept states reference, and the kept states' own keys. */
  referenced: ReadonlySet<string>;
  /** When each retired segment was last retired, and when each old state was replaced (epoch ms). */
  retiredAt: ReadonlyMap<string, number>;
  nowMs: number;
  graceMs: number;
}

export function garbageKeys(input: GarbageInput): string[] {
  return input.listed.filter((key) => {
    if (input.referenced.has(key)) return false;
    const since = input.retiredAt.get(key) ?? createdMsOfKey(key);
    return since !== null && input.nowMs - since > input.graceMs;
  });
}

/**
 * An earlier build's inline retired list, carried into the next state: entries past the grace
 * period need not stay (so the list is empty 15 minutes after an upgrade).
 */
export function keptRetired(
  retired: readonly { key: string; at: number }[],
  nowMs: number,
  graceMs: number,
): { key: string; at: number }[] {
  return retired.filter((entry) => nowMs - entry.at <= graceMs);
}
