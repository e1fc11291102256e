/** What a cold-start child reports, one JSON line on stdout. */
export interface ColdStartReport {
  /** `performance.now()` when the first answer was ready: ms since the process started. */
  firstAnswerMs: number;
  /** Reading the snapshot file. */
  readMs: number;
  /** Turning the bytes into a searchable index. */
  loadMs: number;
  /** The first query itself. */
  firstQueryMs: number;
  hits: number;
  /** `process.resourceUsage().maxRSS`, in bytes. */
  peakRssBytes: number;
}

/** Times the three steps of a cold start and writes the report to stdout. */
export async function measureColdStart<T>(
  read: () => Promise<T>,
  load: (bytes: T) => Promise<() => number | Promise<number>> | (() => number | Promise<number>),
): Promise<void> {
  const t0 = performance.now();
  const bytes = await read();
  const t1 = performance.now();
  const search = await load(bytes);
  const t2 = performance.now();
  const hits = await search();
  const firstAnswerMs = performance.now();
  const report: ColdStartReport = {
    firstAnswerMs,
    readMs: t1 - t0,
    loadMs: t2 - t1,
    firstQueryMs: firstAnswerMs - t2,
    hits,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  // Worker threads of the production side would keep the process alive.
  process.exit(0);
}

/** The child's arguments: the snapshot path, then the first request as JSON. */
export function childArguments(): { snapshotPath: string; request: string; extra: string | undefined } {
  const [snapshotPath, request, extra] = process.argv.slice(2);
  if (!snapshotPath || !request) throw new Error('usage: <child> SNAPSHOT REQUEST_JSON [EXTRA]');
  return { snapshotPath, request, extra };
}
