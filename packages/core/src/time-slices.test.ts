import { describe, expect, it } from 'vitest';
import { runInSlices, runToEnd, type Steps, TimeSlicer } from './time-slices';

function* counting(n: number, log: string[]): Steps<number> {
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    log.push(`step ${i}`);
    sum += i;
    yield;
  }
  return sum;
}

describe('time slices', () => {
  it('runToEnd and runInSlices return what the steps return', async () => {
    expect(runToEnd(counting(10, []))).toBe(55);
    expect(await runInSlices(counting(10, []), 0)).toBe(55);
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
    await runInSlices(counting(3, sliced), 0);
    expect(sliced.indexOf('other')).toBeGreaterThan(0);
    expect(sliced.indexOf('other')).toBeLessThan(sliced.indexOf('step 3'));
  });

  it('a slicer asks for no pause within its slice and for one at its end', async () => {
    expect(new TimeSlicer(60_000).due()).toBeUndefined();
    const pause = new TimeSlicer(0).due();
    expect(pause).toBeInstanceOf(Promise);
    await pause;
  });
});
