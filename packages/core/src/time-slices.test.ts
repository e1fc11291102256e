import { describe, expect, it } from 'vitest';
import { runInSlices, runToEnd, SliceScheduler, type Steps } from './time-slices';

function* counting(n: number, log: string[], name = 'step'): Steps<number> {
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    log.push(`${name} ${i}`);
    sum += i;
    yield;
  }
  return sum;
}

/** Steps that each take `ms` of CPU, logging which turn of the event loop they ran in. */
function* busy(
  n: number,
  ms: number,
  name: string,
  log: [string, number][],
  turn: () => number,
): Steps<void> {
  for (let i = 0; i < n; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // spin: a step of CPU work
    }
    log.push([name, turn()]);
    yield;
  }
}

describe('time slices', () => {
  it('runToEnd and runInSlices return what the steps return', async () => {
    expect(runToEnd(counting(10, []))).toBe(55);
    expect(await runInSlices(counting(10, []), new SliceScheduler(0))).toBe(55);
  });

  it('runInSlices lets other work run between slices; runToEnd does not', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('other'));
    runToEnd(counting(3, log));
    expect(log.at(-1)).toBe('step 3');
    await new Promise((resolve) => setImmediate(resolve));
    const sliced: string[] = [];
    setImmediate(() => sliced.push('other'));
    // A zero-length slice pauses after every step: the other callback runs before step 2.
    await runInSlices(counting(3, sliced), new SliceScheduler(0));
    expect(sliced.indexOf('other')).toBeGreaterThan(0);
    expect(sliced.indexOf('other')).toBeLessThan(sliced.indexOf('step 3'));
  });

  it('asks for no pause within the turn’s budget and for one once it is spent', async () => {
    const generous = new SliceScheduler(60_000);
    await generous.due(); // the first call starts a turn
    expect(generous.due()).toBeUndefined();
    const pause = new SliceScheduler(0).due();
    expect(pause).toBeInstanceOf(Promise);
    await pause;
  });

  it('shares one budget per turn between jobs: two jobs never both spend a slice in one turn', async () => {
    // Turns of the event loop counted by an immediate that re-queues itself.
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const scheduler = new SliceScheduler(5);
    const log: [string, number][] = [];
    await Promise.all([
      scheduler.run(busy(12, 2, 'a', log, () => turn)),
      scheduler.run(busy(12, 2, 'b', log, () => turn)),
    ]);
    counting = false;
    const cpuPerTurn = new Map<number, number>();
    const jobsPerTurn = new Map<number, Set<string>>();
    for (const [job, at] of log) {
      cpuPerTurn.set(at, (cpuPerTurn.get(at) ?? 0) + 2);
      jobsPerTurn.set(at, (jobsPerTurn.get(at) ?? new Set()).add(job));
    }
    // Each job's first step runs at once (before it can know the budget is spent); after that a
    // turn runs one job's slice: the 5 ms budget plus the step that crossed it.
    const [, ...later] = [...cpuPerTurn.keys()].sort((x, y) => x - y);
    for (const at of later) expect(jobsPerTurn.get(at)?.size).toBe(1);
    expect(Math.max(...later.map((at) => cpuPerTurn.get(at) as number))).toBeLessThanOrEqual(6);
    // Both jobs progressed in turns: neither waited for the other to finish.
    const firstB = log.findIndex(([job]) => job === 'b');
    const lastA = log.findLastIndex(([job]) => job === 'a');
    expect(firstB).toBeLessThan(lastA);
  });
});
