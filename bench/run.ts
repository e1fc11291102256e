import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { runCli } from './cli';

/**
 * Entry of `npm run bench`. Large runs hold the corpus and one index at a time in this process;
 * when V8's default heap limit is too small for that, the run restarts itself once with a larger
 * one (the cold-start children are unaffected: they get their own, equal, flags).
 */
const WANTED_HEAP_MB = 12_288;
const heapLimitMb = getHeapStatistics().heap_size_limit / (1024 * 1024);
if (heapLimitMb < WANTED_HEAP_MB * 0.9 && !process.env.BENCH_HEAP_RESPAWNED) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${WANTED_HEAP_MB}`, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, BENCH_HEAP_RESPAWNED: '1' } },
  );
  process.exit(child.status ?? 1);
}
await runCli(process.argv);
