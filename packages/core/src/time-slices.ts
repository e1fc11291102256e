/**
 * Long CPU work (indexing a batch, encoding a segment, merging segments) cut into slices, so that a
 * search arriving meanwhile waits at most one slice, not the whole job.
 *
 * Why by hand: Node 20 has no `scheduler.yield()`, and a worker thread cannot share the in-memory
 * index the work reads and writes. The work is written as a generator that yields at points where
 * pausing is safe; {@link runToEnd} runs it at once, {@link runInSlices} hands the event loop back
 * whenever a slice is used up.
 */

/** How long one slice may hold the event loop (issue 12's bound on a stall is 100 ms). */
export const DEFAULT_SLICE_MS = 10;

/** Work that yields (nothing) wherever it may be paused, and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs steps to the end without pausing. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs steps, letting the event loop run whenever `sliceMs` have passed since it last did. */
export async function runInSlices<T>(steps: Steps<T>, sliceMs = DEFAULT_SLICE_MS): Promise<T> {
  const slicer = new TimeSlicer(sliceMs);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    const pause = slicer.due();
    if (pause) await pause;
  }
}

/** The same for loops in async code: `await slicer.due()` between items. */
export class TimeSlicer {
  private sliceStarted = performance.now();

  constructor(private readonly sliceMs = DEFAULT_SLICE_MS) {}

  /** Undefined while the slice lasts; at its end, a promise resolved after pending I/O has run. */
  due(): Promise<void> | undefined {
    if (performance.now() - this.sliceStarted < this.sliceMs) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.sliceStarted = performance.now();
    });
  }
}
