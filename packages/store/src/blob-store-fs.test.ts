import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentEtag, FsBlobStore } from './blob-store-fs';

let dir: string;
let store: FsBlobStore;
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : null);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blob-fs-'));
  store = new FsBlobStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FsBlobStore', () => {
  it('puts, gets, lists and deletes whole objects', async () => {
    expect(await store.get('a/b.bin')).toBeNull();
    await store.put('a/b.bin', bytes('one'));
    await store.put('a/c.bin', bytes('two'));
    await store.put('z.bin', bytes('three'));
    expect(text(await store.get('a/b.bin'))).toBe('one');
    expect(await store.list('a/')).toEqual(['a/b.bin', 'a/c.bin']);
    await store.delete('a/b.bin');
    await store.delete('a/missing.bin');
    expect(await store.list('')).toEqual(['a/c.bin', 'z.bin']);
    // No temp files are left behind by the atomic writes.
    expect((await readdir(join(dir, 'a'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('rejects keys that escape the root', async () => {
    await expect(store.put('../x', bytes('x'))).rejects.toThrow(/invalid blob key/);
    await expect(store.get('/etc/passwd')).rejects.toThrow(/invalid blob key/);
    await expect(store.get('a//b')).rejects.toThrow(/invalid blob key/);
  });

  it('compare-and-swaps pointer objects', async () => {
    expect(await store.read('manifest.json')).toBeNull();
    const first = await store.writeIfMatch('manifest.json', bytes('v1'), null);
    expect(first).toBe(contentEtag(bytes('v1')));
    expect(await store.writeIfMatch('manifest.json', bytes('v1b'), null)).toBe(false);
    expect(await store.writeIfMatch('manifest.json', bytes('v2'), 'stale-etag')).toBe(false);
    const second = await store.writeIfMatch('manifest.json', bytes('v2'), first as string);
    expect(second).toBeTruthy();
    expect(await store.readIfChanged('manifest.json', second as string)).toBe('unchanged');
    const changed = await store.readIfChanged('manifest.json', first as string);
    expect(changed !== 'unchanged' && text(changed?.bytes)).toBe('v2');
  });

  it('breaks a lock left by a dead process', async () => {
    await store.put('p.json', bytes('x'));
    // 2^22 + 1 is above the largest pid_max Linux allows, so no process can have it.
    await writeFile(
      join(dir, 'p.json.lock'),
      JSON.stringify({ pid: 4_194_305, host: (await import('node:os')).hostname(), token: 't' }),
    );
    const etag = contentEtag(bytes('x'));
    expect(await store.writeIfMatch('p.json', bytes('y'), etag)).toBeTruthy();
    expect(await readdir(dir)).toEqual(['p.json']);
  });

  it('times out on a live, fresh lock instead of breaking it', async () => {
    const impatient = new FsBlobStore(dir, { lockTimeoutMs: 50 });
    await writeFile(
      join(dir, 'p.json.lock'),
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), token: 't' }),
    );
    await expect(impatient.writeIfMatch('p.json', bytes('y'), null)).rejects.toThrow(/timed out/);
  });

  it('serialises compare-and-swap across processes: no increment is lost', async () => {
    const script = `
      import { FsBlobStore } from ${JSON.stringify(join(import.meta.dirname, 'blob-store-fs.ts'))};
      const store = new FsBlobStore(process.argv[1], { durable: false });
      for (let i = 0; i < 40; i++) {
        for (;;) {
          const cur = await store.read('counter');
          const n = cur ? Number(new TextDecoder().decode(cur.bytes)) : 0;
          if (await store.writeIfMatch('counter', new TextEncoder().encode(String(n + 1)), cur?.etag ?? null)) break;
        }
      }`;
    const run = () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => {
          err += String(d);
        });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(err))));
      });
    await Promise.all([run(), run(), run()]);
    expect(text(await store.get('counter'))).toBe('120');
  });
});
