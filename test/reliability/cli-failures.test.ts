import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRuntime } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api-helpers';
import { cli } from '../cli-helpers';

let dir: string;
let server: TestServer;
const undated = Array.from({ length: 3 }, (_, i) =>
  JSON.stringify({ title: `Undated story ${i}`, body: `Text ${i}.` }),
);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archive-cli-failures-'));
  await writeFile(join(dir, 'undated.jsonl'), `${undated.join('\n')}\n`);
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('archive import failure modes (issue 12, CLI findings)', () => {
  it('stops at the first batch when nothing listens at --url, saying so', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(
      'import',
      join(dir, 'undated.jsonl'),
      '--url',
      url,
      '--key',
      'k',
      '--batch-size',
      '1',
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain(`cannot reach ${url} (ECONNREFUSED); is the server running?`);
    expect(result.out).toContain('0 dispatches');
  });

  it('stops at once when the server refuses the key, with the summary so far', async () => {
    const result = await cli(
      'import',
      join(dir, 'undated.jsonl'),
      '--url',
      server.url,
      '--key',
      'wrong',
      '--batch-size',
      '1',
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('the server refused the key');
    expect(result.out).toContain('0 dispatches');
  });

  it('--published-at dates records that carry no time (bbc.jsonl-like corpora)', async () => {
    const refused = await cli('import', join(dir, 'undated.jsonl'), '--url', server.url, '--key', server.key);
    expect(refused.out).toContain('missing_dateline');
    const dated = await cli(
      'import',
      join(dir, 'undated.jsonl'),
      '--url',
      server.url,
      '--key',
      server.key,
      '--published-at',
      '2005-01-01T00:00:00Z',
    );
    expect(dated.code).toBe(0);
    expect(dated.out).toMatch(/created\s+3/);
    const bad = await cli(
      'import',
      join(dir, 'undated.jsonl'),
      '--data-dir',
      dir,
      '--published-at',
      '2005-01-01',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('not an ISO 8601 time with an offset');
  });

  it('Ctrl-C during a local import prints the summary so far and leaves the archive consistent', async () => {
    const dataDir = join(dir, 'interrupted');
    const file = join(dir, 'many.jsonl');
    const records = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ title: `Story ${i}`, body: `Body ${i}.`, publishedAt: '2024-01-01T00:00:00Z' }),
    );
    await writeFile(file, `${records.join('\n')}\n`);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'packages/cli/src/main.ts',
        'import',
        file,
        '--data-dir',
        dataDir,
        '--batch-size',
        '20',
      ],
      {
        cwd: join(import.meta.dirname, '../..'),
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    await expect.poll(() => err, { timeout: 60_000 }).toContain('importing 1 file');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(err).toContain('stopping after the batch in flight');
    expect(code).toBe(130);
    expect(out).toContain(', interrupted');
    const created = Number(/created\s+(\d+)/.exec(out)?.[1]);
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(3000);
    const runtime = await createLocalRuntime({ dataDir, importExamples: false, log: () => {} });
    try {
      expect(await runtime.repository.count()).toBe(created);
    } finally {
      await runtime.close();
    }
  }, 120_000);
});
