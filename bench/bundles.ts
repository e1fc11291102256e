/**
 * Bundle size and cold-start import time of every Lambda function, bundled exactly as the stack
 * bundles it (`infra/lib/bundling.ts`).
 *
 * - Size: `index.mjs` bytes, its gzip size (about what the deployment zip holds), and the packages
 *   that take the most room (esbuild's metafile).
 * - Import: the median, over fresh `node` processes, of the time `await import(bundle)` takes,
 *   including the module's top-level work (config parsing, SDK client construction, and for search
 *   opening the index). Measured as deployed (`NODE_OPTIONS=--enable-source-maps`) and without source
 *   maps. Node's own start-up is excluded: Lambda's runtime is already up when it imports the handler.
 *   `@aws-sdk/*` stays external, as on Lambda where the runtime provides it; here it resolves from the
 *   project's node_modules (the bundles are written inside the repository for that), so the time
 *   includes loading the SDK modules the function imports, as Lambda's does.
 * - Search opens an EMPTY index here (a `file://` bucket with no manifest): snapshot download and decode
 *   scale with the archive and are measured by the index benchmarks, not here.
 *
 * Run alone: `npx tsx bench/bundles.ts` (prints a Markdown table). `bench/run.ts` calls `measureBundles()`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import {
  esbuildBuildOptions,
  FUNCTION_ENTRIES,
  type FunctionName,
  PROJECT_ROOT,
} from '../infra/lib/bundling';

export interface Row {
  function: FunctionName;
  /** Size of `index.mjs`. */
  bundleBytes: number;
  /** `index.mjs` gzipped (level 9): roughly its share of the deployment zip. */
  gzipBytes: number;
  /** Median ms to import the bundle in a fresh process, with `--enable-source-maps` as deployed. */
  importMs: number;
  /** The same without source maps: what `--enable-source-maps` costs at cold start. */
  importMsNoSourceMaps: number;
  runs: number;
  /** The three packages (or `project` sources) contributing most bytes, e.g. `zod 402 KB`. */
  largest: string;
}

export interface MeasureBundlesOptions {
  /** Fresh processes per figure (default 5). */
  runs?: number;
  functions?: FunctionName[];
}

const OUT_ROOT = path.join(PROJECT_ROOT, '.tmp', 'bench-bundles');

/** Bundles and measures each function; see the file comment for what is measured. */
export async function measureBundles(options: MeasureBundlesOptions = {}): Promise<Row[]> {
  const runs = options.runs ?? 5;
  const names = options.functions ?? (Object.keys(FUNCTION_ENTRIES) as FunctionName[]);
  const indexDir = mkdtempSync(path.join(tmpdir(), 'bench-index-'));
  try {
    const rows: Row[] = [];
    for (const name of names) {
      const outdir = path.join(OUT_ROOT, name);
      mkdirSync(outdir, { recursive: true });
      const options = esbuildBuildOptions(name, outdir);
      const result = await build({ ...options, metafile: true, logLevel: 'error' });
      const file = options.outfile as string;
      const env = environmentOf(name, pathToFileURL(indexDir).href);
      rows.push({
        function: name,
        bundleBytes: statSync(file).size,
        gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length,
        importMs: medianImportMs(file, { ...env, NODE_OPTIONS: '--enable-source-maps' }, runs),
        importMsNoSourceMaps: medianImportMs(file, { ...env, NODE_OPTIONS: '' }, runs),
        runs,
        largest: largestPackages(result.metafile, 3),
      });
    }
    return rows;
  } finally {
    rmSync(indexDir, { recursive: true, force: true });
  }
}

/** Just enough configuration for each entry's init to succeed without reaching any service. */
function environmentOf(name: FunctionName, indexBucket: string): Record<string, string> {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    LOG_LEVEL: 'ERROR',
  };
  switch (name) {
    case 'ingest':
    case 'articles':
      // Clients connect lazily: nothing listens there, and init never calls it.
      return { ...base, ARCHIVE_TABLE_NAME: 'articles', DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' };
    case 'authorizer':
      return { ...base, ARCHIVE_KEYS_TABLE_NAME: 'ingest-keys' };
    case 'alertMatcher':
    case 'alertDelivery':
      return {
        ...base,
        ARCHIVE_ALERT_TABLE_NAME: 'alerts',
        ARCHIVE_ALERT_QUEUE_URL: 'http://127.0.0.1:9/123456789012/alert-deliveries',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
        SQS_ENDPOINT: 'http://127.0.0.1:9',
      };
    case 'search':
    case 'indexer':
      return { ...base, ARCHIVE_INDEX_BUCKET: indexBucket, ARCHIVE_INDEX_PREFIX: 'index/' };
    case 'partition':
      return {
        ...base,
        ARCHIVE_INDEX_BUCKET: indexBucket,
        ARCHIVE_INDEX_PREFIX: 'index/',
        ARCHIVE_PARTITION_INDEX: '0',
        ARCHIVE_PARTITION_COUNT: '1',
      };
  }
}

const IMPORT_SCRIPT = `
const started = performance.now();
await import(process.env.BENCH_BUNDLE_URL);
process.stdout.write(JSON.stringify({ ms: performance.now() - started }));
process.exit(0);
`;

function medianImportMs(bundle: string, env: Record<string, string>, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
      cwd: PROJECT_ROOT,
      env: { ...env, BENCH_BUNDLE_URL: pathToFileURL(bundle).href },
      encoding: 'utf8',
    });
    if (child.status !== 0) {
      throw new Error(`importing ${bundle} failed (${child.status}): ${child.stderr.slice(0, 2000)}`);
    }
    times.push((JSON.parse(child.stdout) as { ms: number }).ms);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? Number.NaN) * 10) / 10;
}

/** Bytes in the output per npm package (project sources grouped as `project`), largest first. */
function largestPackages(metafile: Metafile, count: number): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match?.[1] ?? 'project';
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)} KB`)
    .join(', ');
}

/** The rows as a Markdown table. */
export function bundlesTable(rows: Row[]): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const lines = [
    '| function | bundle | gzip | import (source maps) | import (none) | largest parts |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.function} | ${kb(r.bundleBytes)} | ${kb(r.gzipBytes)} | ${r.importMs} ms | ` +
        `${r.importMsNoSourceMaps} ms | ${r.largest} |`,
    ),
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const rows = await measureBundles();
  console.log(bundlesTable(rows));
  console.log(
    `\nMedian of ${rows[0]?.runs ?? 0} fresh processes each; node ${process.version} ` +
      '(Lambda runs Node.js 22 on arm64); @aws-sdk/* resolved from node_modules.',
  );
}
