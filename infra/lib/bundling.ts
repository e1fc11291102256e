/**
 * The ONE definition of how every Lambda entry in `functions/` is bundled.
 *
 * The stack turns it into `NodejsFunction` bundling options; the "deployed artifacts work" tests and
 * `npm run bench` turn it into an esbuild `BuildOptions` and bundle the same entry with the same
 * settings, so what is tested is byte-for-byte what `cdk deploy` uploads (modulo paths in source maps).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Repository root (two levels above `infra/lib`). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Lambda entry files, one per function, relative to the repository root. */
export const FUNCTION_ENTRIES = {
  ingest: 'functions/ingest.ts',
  search: 'functions/search.ts',
  articles: 'functions/articles.ts',
  indexer: 'functions/indexer.ts',
  authorizer: 'functions/authorizer.ts',
  partition: 'functions/partition.ts',
  alertMatcher: 'functions/alert-matcher.ts',
  alertDelivery: 'functions/alert-delivery.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;
/** The functions every stack deploys once; `partition` is deployed K times (0 by default). */
export type SingletonFunctionName = Exclude<FunctionName, 'partition'>;

/** Absolute path of a function's entry file. */
export function entryPath(name: FunctionName): string {
  return path.join(PROJECT_ROOT, FUNCTION_ENTRIES[name]);
}

/**
 * Settings shared by both renderings below. ESM output: hono, Powertools and the SDK v3 all ship ESM,
 * and the Node.js 22 runtime resolves ESM imports of its bundled `@aws-sdk/*` packages from `/var/task`.
 * Bundled CommonJS dependencies may still call `require()` for Node built-ins, which esbuild's ESM
 * output cannot do on its own, hence the `createRequire` banner.
 */
export const LAMBDA_BUNDLE = {
  /** Matches `Runtime.NODEJS_22_X`. */
  target: 'node22',
  format: 'esm' as const,
  /** Prefer packages' ESM builds so tree shaking works. */
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  /**
   * Source maps carry mappings only: `--enable-source-maps` needs nothing more to print TypeScript
   * file:line in stack traces, and the sources themselves would roughly double the upload.
   */
  sourcesContent: false,
  /** The Node.js 22 runtime ships AWS SDK v3: keep it out of bundles (smaller, faster cold start). */
  externalModules: ['@aws-sdk/*'],
  banner:
    "import { createRequire as __archiveCreateRequire } from 'node:module'; const require = __archiveCreateRequire(import.meta.url);",
  /** File name the runtime loads; `.mjs` makes Node treat it as ESM without a package.json. */
  outFile: 'index.mjs',
} as const;

/** `NodejsFunction` bundling options: local esbuild from node_modules, never Docker. */
export function nodejsBundlingOptions(): BundlingOptions {
  return {
    forceDockerBundling: false,
    target: LAMBDA_BUNDLE.target,
    format: OutputFormat.ESM,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    minify: LAMBDA_BUNDLE.minify,
    sourceMap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    externalModules: [...LAMBDA_BUNDLE.externalModules],
    banner: LAMBDA_BUNDLE.banner,
    // Warnings and errors only: no per-file size report on every synth.
    logLevel: LogLevel.WARNING,
  };
}

/**
 * The same bundle as esbuild `BuildOptions` (what `NodejsFunction` passes on the esbuild command line:
 * `--bundle --platform=node --target --format --outfile --minify --sourcemap --sources-content=false
 * --external --banner:js --main-fields`).
 *
 * @param name function to bundle
 * @param outdir directory that receives `index.mjs` and its source map
 */
export function esbuildBuildOptions(name: FunctionName, outdir: string): BuildOptions {
  return {
    entryPoints: [entryPath(name)],
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLE.target,
    format: LAMBDA_BUNDLE.format,
    outfile: path.join(outdir, LAMBDA_BUNDLE.outFile),
    minify: LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    external: [...LAMBDA_BUNDLE.externalModules],
    banner: { js: LAMBDA_BUNDLE.banner },
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    logLevel: 'warning',
  };
}
