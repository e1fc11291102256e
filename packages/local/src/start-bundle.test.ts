import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBundle } from '../bin/bundle-entry.mjs';

const temporary: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-bundle-'));
  temporary.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('the bundle npm start runs', () => {
  it('is rebuilt when a workspace source, a new file or a package.json is newer, and only then', async () => {
    const root = scratch();
    const src = join(root, 'packages', 'words', 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(root, 'packages', 'words', 'package.json'), '{"name":"words"}');
    writeFileSync(
      join(src, 'main.ts'),
      "import { word } from './word';\nexport const said: string = word;\n",
    );
    writeFileSync(join(src, 'word.ts'), "export const word = 'first';\n");
    const options = {
      entry: join(src, 'main.ts'),
      outfile: join(root, 'packages', 'words', 'dist', 'main.mjs'),
      packagesDir: join(root, 'packages'),
    };
    const load = async () =>
      ((await import(`${pathToFileURL(options.outfile).href}?${Math.random()}`)) as { said: string }).said;

    // Each step first makes everything look written a minute ago, then changes one thing now.
    const ageAll = () => {
      const past = new Date(Date.now() - 60_000);
      for (const path of [options.outfile, join(src, 'main.ts'), join(src, 'word.ts'), src])
        utimesSync(path, past, past);
      utimesSync(join(root, 'packages', 'words', 'package.json'), past, past);
    };
    expect(await ensureBundle(options)).toBe(true);
    expect(await load()).toBe('first');
    expect(await ensureBundle(options)).toBe(false);

    ageAll();
    expect(await ensureBundle(options)).toBe(false);
    writeFileSync(join(src, 'word.ts'), "export const word = 'edited';\n");
    expect(await ensureBundle(options)).toBe(true);
    expect(await load()).toBe('edited');
    expect(await ensureBundle(options)).toBe(false);

    ageAll();
    writeFileSync(join(src, 'unused.ts'), 'export {};\n');
    expect(await ensureBundle(options)).toBe(true);

    ageAll();
    rmSync(join(src, 'unused.ts'));
    expect(await ensureBundle(options)).toBe(true);

    ageAll();
    writeFileSync(join(root, 'packages', 'words', 'package.json'), '{"name":"words","version":"2.0.0"}');
    expect(await ensureBundle(options)).toBe(true);
  });

  it('serves the archive: npm start’s command on a new data directory answers /search', async () => {
    const project = resolve(import.meta.dirname, '..', '..', '..');
    const dataDir = scratch();
    const child = spawn(process.execPath, ['packages/local/bin/start.mjs'], {
      cwd: project,
      env: { ...process.env, ARCHIVE_DATA_DIR: dataDir, PORT: '0', ARCHIVE_IMPORT_EXAMPLES: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    try {
      const url = await new Promise<string>((found, failed) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const match = /listening on (\S+)/.exec(line);
          if (match?.[1]) found(match[1]);
        });
        void exited.then((code) => failed(new Error(`exited ${code} before listening: ${stderr}`)));
      });
      // The examples are imported as the server starts; each is searchable moments later.
      let body = { total: 0, results: [] as { title: string }[] };
      for (let attempt = 0; attempt < 100 && body.total === 0; attempt++) {
        const response = await fetch(`${url}/search?q=syria`);
        expect(response.status).toBe(200);
        body = (await response.json()) as typeof body;
        if (body.total === 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(body.results[0]?.title).toMatch(/Syria/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
