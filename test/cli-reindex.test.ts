import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRuntime, defaultPlugins } from '@archive/local';
import { loadSegmented, type SegmentedIndex } from '@archive/search';
import { FsBlobStore } from '@archive/store';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './cli-helpers';

const quiet = { log: () => {}, logger: { error: () => {} } };
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function published(dataDir: string): Promise<{ version: number; index: SegmentedIndex }> {
  const { index, manifest } = await loadSegmented(new FsBlobStore(join(dataDir, 'index')));
  return { version: manifest?.version ?? 0, index };
}

/** Everything a reader could observe of an index, for a few queries of each kind. */
function observable(index: SegmentedIndex) {
  const queries = [
    'syria',
    'Geneva',
    'Oslo',
    '"peace initiative"',
    'port OR storm',
    'reconstr*',
    'cairo~1',
    '',
  ];
  return queries.map((q) => {
    const { results, total, facets } = index.query({ q, limit: 50 });
    return { q, total, facets, results: results.map((r) => [r.id, r.score.toFixed(9), r.snippet]) };
  });
}

describe('archive reindex', () => {
  it('publishes a rebuild from the store that answers exactly like the incremental index', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'archive-reindex-'));
    dirs.push(dataDir);
    const runtime = await createLocalRuntime({
      dataDir,
      importExamples: true,
      plugins: defaultPlugins(),
      ...quiet,
    });
    const url = await runtime.listen(0);
    // A replacement and a takedown, so the incremental index has history a rebuild does not.
    const first = (await runtime.repository.scan()[Symbol.asyncIterator]().next()).value;
    await fetch(`${url}/articles/${first.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}` },
    });
    const sample = await readFile(new URL('./fixtures/sample-dispatch.txt', import.meta.url), 'utf8');
    const updated = await fetch(`${url}/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'text/plain' },
      body: sample.replace('Geneva 2 is not on the agenda', 'Oslo is not on the agenda'),
    });
    expect(((await updated.json()) as { status: string }).status).toBe('updated');
    await runtime.close(); // flushes and publishes the incremental index
    const incremental = await published(dataDir);
    expect(incremental.index.size).toBe(4);

    const result = await cli('reindex', '--data-dir', dataDir);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/published index version \d+: 4 articles, 1 taken down/);

    const rebuilt = await published(dataDir);
    expect(rebuilt.version).toBe(incremental.version + 1);
    expect(observable(rebuilt.index)).toEqual(observable(incremental.index));
    expect(rebuilt.index.versionOf(first.id)).toBe(incremental.index.versionOf(first.id));
  });
});
