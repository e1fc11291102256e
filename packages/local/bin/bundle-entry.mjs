/**
 * The bundle `npm start` runs: the workspace's TypeScript (every `@archive/*` package) bundled by
 * esbuild into one ES module, dependencies left in node_modules. Plain JavaScript so that plain `node`
 * runs it: running the entry under tsx compiles and resolves each of some 300 workspace modules
 * through loader hooks on every start, about 4 s of a 5.6 s start to listening with an empty data
 * directory on the 2-core machine, against 1.3 s for this bundle (docs/SCALING.md, "Local start").
 *
 * Rebuilt only when a workspace source is newer than the bundle: esbuild has no "build if stale" of its
 * own (its incremental context lives in one process), so the check is here: the newest modification
 * time of every file and directory under `packages/<name>/src` and of each package.json.
 */
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

/** Bare imports esbuild bundles; every other package stays an import from node_modules. */
const BUNDLED_SCOPE = '@archive/';

/** Leaves dependencies external so the bundle holds only the workspace (and builds in ~0.4 s). */
const dependenciesExternal = {
  name: 'dependencies-external',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith(BUNDLED_SCOPE) || args.path.startsWith('#')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

/** Newest modification time (ms) under `path`, the path itself included. */
function newestUnder(path) {
  const own = statSync(path).mtimeMs;
  if (!statSync(path).isDirectory()) return own;
  let newest = own;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath ?? entry.path, entry.name);
    newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Newest modification time of the workspace's sources (`packages/<name>/{src,package.json}`). */
export function newestSource(packagesDir) {
  let newest = 0;
  for (const name of readdirSync(packagesDir)) {
    for (const part of ['src', 'package.json']) {
      try {
        newest = Math.max(newest, newestUnder(join(packagesDir, name, part)));
      } catch (error) {
        if (error?.code !== 'ENOENT') throw error;
      }
    }
  }
  return newest;
}

/**
 * Bundles `entry` into `outfile` unless `outfile` is newer than every source under `packagesDir`.
 * Written aside and renamed, so two starts at once never import a half-written bundle.
 *
 * @returns whether it (re)built
 */
export async function ensureBundle({ entry, outfile, packagesDir }) {
  let builtAt = -1;
  try {
    builtAt = statSync(outfile).mtimeMs;
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
  }
  if (builtAt >= newestSource(packagesDir)) return false;
  mkdirSync(dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.tmp.mjs`;
  await build({
    entryPoints: [entry],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [dependenciesExternal],
  });
  renameSync(temporary, outfile);
  return true;
}
