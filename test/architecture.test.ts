import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Keeps docs/ARCHITECTURE.md true: its package graph equals the workspace packages' package.json
 * dependencies and the imports in their code, its list of search wings equals the folders of
 * packages/search/src. (Import circles and reaches into another package's internals are
 * dependency-cruiser's job: `npm run arch`.)
 */
const ROOT = join(import.meta.dirname, '..');
const PACKAGES = join(ROOT, 'packages');
const architecture = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');

interface Manifest {
  name: string;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const packageDirs = readdirSync(PACKAGES).filter((d) => existsSync(join(PACKAGES, d, 'package.json')));
const manifests = new Map(
  packageDirs.map((d) => [
    d,
    JSON.parse(readFileSync(join(PACKAGES, d, 'package.json'), 'utf8')) as Manifest,
  ]),
);
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The rows of the table between `<!-- name:start -->` and `<!-- name:end -->`, as cell arrays. */
function tableRows(name: string): string[][] {
  const match = architecture.match(new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`));
  if (!match?.[1]) throw new Error(`docs/ARCHITECTURE.md has no ${name} table`);
  return match[1]
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry) ? [path] : [];
  });
}

/** Package names a file imports (bare specifiers, without subpaths); node built-ins left out. */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const [, spec] of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^'.][^']*)'/g)) {
    if (!spec || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
  }
  return [...names];
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file);
/** A package whose types alone are used (`@types/x` declares `x`). */
const declares = (deps: Record<string, string> | undefined, name: string) =>
  deps !== undefined && (name in deps || `@types/${name}` in deps);

describe('docs/ARCHITECTURE.md', () => {
  const graph = new Map(
    tableRows('package-graph').map(([pkg, deps]) => [
      (pkg as string).replace(/`/g, ''),
      deps === '—'
        ? []
        : (deps as string)
            .split(',')
            .map((d) => `@archive/${d.trim()}`)
            .sort(),
    ]),
  );

  it('lists every workspace package, and only those', () => {
    expect([...graph.keys()].sort()).toEqual([...manifests.values()].map((m) => m.name).sort());
  });

  it("draws each package's dependencies as its package.json declares them", () => {
    for (const manifest of manifests.values()) {
      const declared = Object.keys(manifest.dependencies ?? {})
        .filter((d) => d.startsWith('@archive/'))
        .sort();
      expect(graph.get(manifest.name), manifest.name).toEqual(declared);
    }
  });

  it('lists the wings of the search package, each a folder with an index.ts', () => {
    const wings = tableRows('search-wings').map(([wing]) => (wing as string).replace(/[`/]/g, ''));
    const src = join(PACKAGES, 'search', 'src');
    // testing/ is test support (no entry; .dependency-cruiser.cjs keeps production code out of it).
    const folders = readdirSync(src).filter(
      (entry) => entry !== 'testing' && statSync(join(src, entry)).isDirectory(),
    );
    expect(wings.sort()).toEqual(folders.sort());
    expect(existsSync(join(src, 'testing', 'index.ts'))).toBe(false);
    for (const wing of wings) expect(existsSync(join(src, wing, 'index.ts')), wing).toBe(true);
  });
});

describe('workspace packages', () => {
  it('each has one public entry, src/index.ts, which only re-exports', () => {
    for (const [dir, manifest] of manifests) {
      expect(manifest.name).toBe(`@archive/${dir}`);
      expect(manifest.exports).toEqual({ '.': './src/index.ts' });
      const entry = readFileSync(join(PACKAGES, dir, 'src', 'index.ts'), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split('\n')
        .filter((line) => line.trim() !== '');
      for (const line of entry)
        expect(line, `${dir}/src/index.ts`).toMatch(/^export (\*|\{[^}]*\}) from '\.\//);
    }
  });

  it('import exactly the workspace packages they declare, and declare every other package they import', () => {
    for (const [dir, manifest] of manifests) {
      const runtime = new Set<string>();
      for (const file of sourceFiles(join(PACKAGES, dir))) {
        for (const name of importedPackages(file)) {
          if (!isTest(file) && !file.includes(`${dir}/scripts/`)) runtime.add(name);
          const ok = isTest(file)
            ? declares(manifest.dependencies, name) ||
              declares(manifest.devDependencies, name) ||
              declares(rootManifest.devDependencies, name)
            : declares(manifest.dependencies, name) || declares(manifest.devDependencies, name);
          expect(
            ok,
            `${file.slice(ROOT.length + 1)} imports ${name}, undeclared in ${dir}/package.json`,
          ).toBe(true);
        }
      }
      const used = [...runtime].filter((n) => n.startsWith('@archive/')).sort();
      const declared = Object.keys(manifest.dependencies ?? {})
        .filter((d) => d.startsWith('@archive/'))
        .sort();
      expect(used, `${dir}: workspace packages imported by its code`).toEqual(declared);
    }
  });
});
