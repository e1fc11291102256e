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

/**
 * One budget of CPU time per turn of the event loop, shared by every sliced job of the process.
 *
 * A job that only watched its own clock (10 ms, then `setImmediate`) is fair to requests only while
 * it is alone: Node runs every queued immediate in the same phase of a turn, so an ingest, the
 * indexer and a merge slicing at once each took their 10 ms in the same turn, and a search waited
 * for the sum. Here the jobs queue: each turn resumes one waiting job (first come, first served)
 * and starts the turn's budget; any job that finds the budget spent waits for a later turn. A turn
 * therefore holds the loop for about one slice whatever the number of jobs.
 */
export class SliceScheduler {
  private turnStarted = Number.NEGATIVE_INFINITY;
  private readonly waiting: (() => void)[] = [];
  private turnQueued = false;

  constructor(readonly sliceMs = DEFAULT_SLICE_MS) {}

  /** Undefined while the turn's budget lasts; once spent, a promise resolved on the job's turn. */
  due(): Promise<void> | undefined {
    if (performance.now() - this.turnStarted < this.sliceMs) return undefined;
    return this.nextTurn();
  }

  /**
   * A promise resolved on the job's next turn, whatever is left of the current one: for a job whose
   * caller already spent time outside the scheduler's view (reading a 5 MiB request body).
   */
  nextTurn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.queueTurn();
    });
  }

  /** Runs steps, pausing whenever the turn's budget is spent. */
  async run<T>(steps: Steps<T>): Promise<T> {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      const pause = this.due();
      if (pause) await pause;
    }
  }

  private queueTurn(): void {
    if (this.turnQueued) return;
    this.turnQueued = true;
    // Two hops of setImmediate, so the loop polls for I/O (requests) and runs its timers before the
    // turn. One is not enough when the pause is asked for in an I/O callback (a request's body
    // read, a store write's completion): the check phase then follows in the same loop iteration,
    // with no poll in between, and two pieces of work ran back to back (two of the largest articles
    // indexed: 105-117 ms without a break). From a turn's own check phase one hop would do; the
    // second costs one idle loop iteration.
    setImmediate(() => setImmediate(this.turn));
  }

  private readonly turn = (): void => {
    this.turnQueued = false;
    this.turnStarted = performance.now();
    this.waiting.shift()?.();
    if (this.waiting.length > 0) this.queueTurn();
  };
}

/** The scheduler every sliced job of the process shares (see {@link SliceScheduler}). */
export const sharedSlices = new SliceScheduler();

/** Runs steps in the shared scheduler's slices (or another's). */
export function runInSlices<T>(steps: Steps<T>, scheduler: SliceScheduler = sharedSlices): Promise<T> {
  return scheduler.run(steps);
}
