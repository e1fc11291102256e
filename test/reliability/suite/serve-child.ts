/**
 * The local service as `npm start` runs it (same runtime, plugins and guards), on a free port, for
 * the reliability suite: prints `{"url","key"}` on its first line, and on SIGUSR2 prints the
 * longest event-loop stall seen so far, measured inside the server.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLocalRuntime, defaultPlugins } from '@archive/local';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const dataDir = process.argv[2] ?? null;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const runtime = await createLocalRuntime({
  dataDir,
  importExamples: false,
  ingestKey: process.env.ARCHIVE_INGEST_KEY,
  plugins: defaultPlugins(),
  log: (line) => process.stderr.write(`${line}\n`),
  logger: {
    error: (message, ...details) => process.stderr.write(`${message} ${details.map(String).join(' ')}\n`),
  },
});
const url = await runtime.listen(0);
// Stalls while modules load and the runtime opens are not requests' doing: count from "listening".
loop.reset();
process.on('SIGUSR2', () => {
  process.stdout.write(
    `${JSON.stringify({ loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 })}\n`,
  );
  loop.reset();
});
// Only once the handler is in place: a SIGUSR2 before it would end the process (its default action).
process.stdout.write(`${JSON.stringify({ url, key: runtime.ingestKey.key })}\n`);
process.on('SIGTERM', () => {
  runtime.close().then(() => process.exit(0));
});
