import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { Article } from '@archive/core';
import { startInvokeEndpoint } from '@archive/local';
import {
  fromPartitioned,
  type PartitionedIndex,
  preparePublication,
  writePublication,
} from '@archive/search';
import { FsBlobStore } from '@archive/store';
import { build } from 'esbuild';
import { esbuildBuildOptions, PROJECT_ROOT } from '../infra/lib/bundling';
import { DEFAULT_ARTICLES_PER_PARTITION_FUNCTION, partitionTargetFor } from '../infra/lib/config';
import { buildProductionIndex } from './production';
import { type BenchQuery, toSearchRequest } from './queries';
import { percentiles } from './stats';

/**
 * `npm run bench -- --docs N --hosts 0,2`: the search function against partition functions, each
 * function in a process of its own, as deployed: the bundles the stack builds, the index published
 * to a blob store (a directory), each partition function loading its share from it and answering
 * the Invoke API on a loopback port, and the search function as their coordinator reaching them
 * through the AWS SDK's LambdaClient. Every invocation passes a proxy in this process that adds
 * 15 ± 5 ms (uniform), the in-region Invoke round trip. K = 0 is the single-function layout over
 * the same published index, in the same run.
 *
 * Per K: the coordinator's cold start to its first answer (partition functions already warm), each
 * partition function's init (loading its share), warm p50/p99 over the query mix (sequential, one
 * request at a time), and every process's peak RSS (children run under tsx, whose loader adds the
 * same ~40 MB to each).
 */

export interface HostsRow {
  hosts: number;
  /** Index partitions of the layout this K runs on. */
  indexPartitions: number;
  coordinatorInitMs: number;
  coordinatorFirstAnswerMs: number;
  partitionInitMs: number[];
  warmP50: number;
  warmP99: number;
  p99ByKind: Record<string, number>;
  incomplete: number;
  /** Invocations of partition functions per search request, over all functions. */
  invocationsPerRequest: number;
  coordinatorPeakRssMb: number;
  partitionPeakRssMb: number[];
}

const CHILD = path.join(PROJECT_ROOT, 'bench', 'children', 'function-host.ts');
const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

export async function runHostsBench(options: {
  articles: readonly Article[];
  hosts: readonly number[];
  queries: readonly BenchQuery[];
  warmup: readonly BenchQuery[];
  log?: (line: string) => void;
}): Promise<HostsRow[]> {
  const log = options.log ?? (() => {});
  const work = mkdtempSync(path.join(tmpdir(), 'bench-hosts-'));
  try {
    log(`hosts: indexing ${options.articles.length} articles`);
    const { single, shared } = await buildAndPublish(options.articles, options.hosts, work);
    const bundles = {
      search: await bundle('search'),
      partition: await bundle('partition'),
    };
    const requestsFile = path.join(work, 'requests.json');
    const toQuery = (q: BenchQuery) =>
      Object.fromEntries(Object.entries(toSearchRequest(q)).map(([k, v]) => [k, String(v)]));
    const [first, ...warmup] = options.warmup;
    if (!first) throw new Error('no warm-up queries');
    // The first request answers the cold start; the warm-up is not measured (its kind is ''),
    // then the measured mix.
    writeFileSync(
      requestsFile,
      JSON.stringify([
        { kind: 'first', query: toQuery(first) },
        ...warmup.map((q) => ({ kind: '', query: toQuery(q) })),
        ...options.queries.map((q) => ({ kind: q.kind, query: toQuery(q) })),
      ]),
    );
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      NODE_OPTIONS: '--enable-source-maps',
      ARCHIVE_INDEX_PREFIX: 'index/',
      ARCHIVE_TABLE_NAME: 'articles',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    };
    const rows: HostsRow[] = [];
    for (const k of options.hosts) {
      const published = (k > 0 ? shared : single) as Published;
      log(`hosts: K = ${k} (${published.partitions} index partitions)`);
      const bucket = { ARCHIVE_INDEX_BUCKET: pathToFileURL(published.root).href };
      rows.push({
        ...(await measureLayout(k, bundles, requestsFile, { ...env, ...bucket })),
        indexPartitions: published.partitions,
      });
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Builds the index and publishes it as segments, as a reindex would: once as the single-function
 * stack lays partitions out (the index's default target) and once as a stack with partition
 * functions does (half a function's share, infra/lib/config.ts), each layout measured on its own.
 * A function of its own so that the index is garbage once published: at 1M articles the bench
 * process would otherwise hold it beside the functions' processes.
 */
async function buildAndPublish(
  articles: readonly Article[],
  hosts: readonly number[],
  work: string,
): Promise<{ single: Published | false; shared: Published | false }> {
  const index = buildProductionIndex(articles);
  const single = hosts.includes(0) && (await publish(index, path.join(work, 'single')));
  const shared =
    hosts.some((k) => k > 0) &&
    (await publish(
      index,
      path.join(work, 'shared'),
      partitionTargetFor(DEFAULT_ARTICLES_PER_PARTITION_FUNCTION),
    ));
  return { single, shared };
}

interface Published {
  /** The directory the functions' `ARCHIVE_INDEX_BUCKET` names (the index is under `index/`). */
  root: string;
  partitions: number;
}

async function publish(index: PartitionedIndex, root: string, partitionTarget?: number): Promise<Published> {
  const store = new FsBlobStore(path.join(root, 'index'), { durable: false });
  const segmented = fromPartitioned(index, partitionTarget === undefined ? {} : { partitionTarget });
  const published = await writePublication(store, await preparePublication(segmented, [], Date.now()), {
    manifest: null,
    etag: null,
  });
  if (published === 'conflict') throw new Error('publication conflict in an empty store');
  return { root, partitions: segmented.partitions().length };
}

async function bundle(name: 'search' | 'partition'): Promise<string> {
  const outdir = path.join(PROJECT_ROOT, '.tmp', 'bench-hosts', name);
  mkdirSync(outdir, { recursive: true });
  const buildOptions = esbuildBuildOptions(name, outdir);
  await build({ ...buildOptions, logLevel: 'error' });
  return buildOptions.outfile as string;
}

async function measureLayout(
  k: number,
  bundles: { search: string; partition: string },
  requestsFile: string,
  env: Record<string, string>,
): Promise<Omit<HostsRow, 'indexPartitions'>> {
  const names = Array.from({ length: k }, (_, i) => `archive-bench-partition-${i}`);
  // One after another: on Lambda each cold start has a machine of its own, and K loads at once on
  // this machine's two cores would measure their contention, not a function's cold start.
  const partitions: Child[] = [];
  for (const [i, name] of names.entries()) {
    partitions.push(
      await startChild([bundles.partition, 'serve', name], {
        ...env,
        ARCHIVE_PARTITION_INDEX: String(i),
        ARCHIVE_PARTITION_COUNT: String(k),
      }),
    );
  }
  const proxy =
    k > 0
      ? await startInvokeEndpoint(
          new Map(
            names.map((name, i) => [
              name,
              (event: unknown) => forward((partitions[i] as Child).info.url as string, name, event),
            ]),
          ),
          { delayMs: () => 10 + Math.random() * 10 },
        )
      : null;
  try {
    const coordinatorEnv = proxy
      ? { ...env, ARCHIVE_PARTITION_FUNCTIONS: names.join(','), LAMBDA_ENDPOINT: proxy.url }
      : env;
    const coordinator = await startChild([bundles.search, 'search', requestsFile], coordinatorEnv);
    const report = coordinator.info as {
      initMs: number;
      firstAnswerMs: number;
      latencies: { kind: string; ms: number }[];
      incomplete: number;
      peakRssBytes: number;
    };
    const measured = report.latencies.filter((l) => l.kind !== '');
    const byKind: Record<string, number> = {};
    for (const kind of new Set(measured.map((l) => l.kind))) {
      byKind[kind] = round(percentiles(measured.filter((l) => l.kind === kind).map((l) => l.ms)).p99);
    }
    const overall = percentiles(measured.map((l) => l.ms));
    const rss = await Promise.all(partitions.map((p) => p.ask('report')));
    return {
      hosts: k,
      coordinatorInitMs: round(report.initMs),
      coordinatorFirstAnswerMs: round(report.firstAnswerMs),
      partitionInitMs: partitions.map((p) => round(p.info.initMs as number)),
      warmP50: round(overall.p50),
      warmP99: round(overall.p99),
      p99ByKind: byKind,
      incomplete: report.incomplete,
      invocationsPerRequest: proxy
        ? round([...proxy.invocations.values()].reduce((a, b) => a + b, 0) / (report.latencies.length + 1))
        : 0,
      coordinatorPeakRssMb: mb(report.peakRssBytes),
      partitionPeakRssMb: rss.map((r) => mb(r.peakRssBytes as number)),
    };
  } finally {
    await proxy?.close();
    for (const p of partitions) p.process.kill();
  }
}

/** One Invoke call to a partition function's process (the proxy's hop). */
async function forward(url: string, name: string, event: unknown): Promise<unknown> {
  const response = await fetch(`${url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
  });
  const text = await response.text();
  if (response.status !== 200 || response.headers.get('x-amz-function-error')) {
    throw new Error(`${name}: ${response.status} ${text.slice(0, 200)}`);
  }
  return JSON.parse(text) as unknown;
}

interface Child {
  process: ChildProcess;
  /** The first line it printed. */
  info: Record<string, unknown>;
  ask(line: string): Promise<Record<string, unknown>>;
}

/** Starts a function-host child and waits for its first line of JSON. */
function startChild(args: string[], env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.push((line) => resolve(JSON.parse(line) as Record<string, unknown>));
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    });
  return next().then((info) => ({
    process: child,
    info,
    ask: (line) => {
      const answer = next();
      child.stdin?.write(`${line}\n`);
      return answer;
    },
  }));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

export function hostsTable(docs: number, rows: readonly HostsRow[]): string {
  const header =
    '| docs | K | index partitions | search init ms | search first answer ms | partition init ms | warm p50 ms | warm p99 ms | worst kind p99 | invocations / request | peak RSS MB (search / partitions) |';
  const rule = '| ---: | -: | -: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |';
  const body = rows.map((r) => {
    const worst = Object.entries(r.p99ByKind).sort((a, b) => b[1] - a[1])[0];
    return `| ${docs} | ${r.hosts} | ${r.indexPartitions} | ${r.coordinatorInitMs} | ${r.coordinatorFirstAnswerMs} | ${r.partitionInitMs.join(' / ') || '–'} | ${r.warmP50} | ${r.warmP99} | ${worst ? `${worst[0]} ${worst[1]}` : '–'} | ${r.invocationsPerRequest} | ${r.coordinatorPeakRssMb} / ${r.partitionPeakRssMb.join(' / ') || '–'} |`;
  });
  return [header, rule, ...body].join('\n');
}
