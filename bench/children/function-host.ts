import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { startInvokeEndpoint } from '@archive/local';
import { httpApiEvent } from '../../infra/lambda-events';

/**
 * One Lambda function in a process of its own, for `npm run bench -- --hosts K` (bench/hosts.ts):
 * the bundle as the stack builds it, imported as Lambda's runtime imports it (that import is its
 * init, timed from its start), then either
 *
 * - `serve NAME`: answers the Invoke API on a loopback port (a partition function); prints
 *   `{url, initMs}`, and `{peakRssBytes}` when its stdin says `report`;
 * - `search REQUESTS.json`: the search function (single or coordinator): the first request is its
 *   first answer, then the warm requests one after another; prints the timings and its peak RSS.
 *
 * Run with tsx (the endpoint is TypeScript); tsx's own start-up precedes the timed import.
 */
const [bundle, mode, arg] = process.argv.slice(2);
if (!bundle || !mode || !arg)
  throw new Error('usage: function-host BUNDLE serve NAME | search REQUESTS.json');

type Handler = (event: unknown) => Promise<unknown>;
const started = performance.now();
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Handler };
const initMs = performance.now() - started;
/**
 * This process's own peak RSS: VmHWM of its memory map, which starts anew at exec. Not
 * `resourceUsage().maxRSS`: Linux carries a forked parent's high-water mark across exec into it,
 * so every child would report at least the bench process's size at spawn time.
 */
const peakRssBytes = () => {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kb ? Number(kb) * 1024 : process.resourceUsage().maxRSS * 1024;
};

if (mode === 'serve') {
  const endpoint = await startInvokeEndpoint(new Map([[arg, handler]]));
  process.stdout.write(`${JSON.stringify({ url: endpoint.url, initMs })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'report') process.stdout.write(`${JSON.stringify({ peakRssBytes: peakRssBytes() })}\n`);
  }
  await endpoint.close();
  process.exit(0);
} else {
  const requests = JSON.parse(readFileSync(arg, 'utf8')) as { kind: string; query: Record<string, string> }[];
  const search = async (query: Record<string, string>) => {
    const answer = (await handler(httpApiEvent('GET /search', '/search', { query }))) as {
      statusCode: number;
      body: string;
    };
    if (answer.statusCode !== 200) throw new Error(`search answered ${answer.statusCode}: ${answer.body}`);
    return JSON.parse(answer.body) as { total: number; incomplete?: unknown };
  };
  const [first, ...rest] = requests;
  if (!first) throw new Error('no requests');
  const t0 = performance.now();
  await search(first.query);
  const firstQueryMs = performance.now() - t0;
  const latencies: { kind: string; ms: number }[] = [];
  let incomplete = 0;
  for (const { kind, query } of rest) {
    const t = performance.now();
    const answer = await search(query);
    latencies.push({ kind, ms: performance.now() - t });
    if (answer.incomplete) incomplete++;
  }
  process.stdout.write(
    `${JSON.stringify({ initMs, firstQueryMs, firstAnswerMs: initMs + firstQueryMs, latencies, incomplete, peakRssBytes: peakRssBytes() })}\n`,
  );
  process.exit(0);
}
