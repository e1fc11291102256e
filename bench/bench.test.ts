import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli';

// Keeps `npm run bench` working: the tiny mode end to end (generated corpus, real children, real
// HTTP), asserting the shape of the result and that figures are sane, never how fast anything is.
describe('npm run bench --tiny', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the result JSON with both sides, the ratios and non-negative figures', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
    const out = join(dir, 'latest.json');
    await runCli(['node', 'bench', '--tiny', '--quiet', '--out', out]);
    const result = JSON.parse(await readFile(out, 'utf8'));

    expect(result.docs).toBe(300);
    for (const key of ['coldStart', 'peakRss', 'warmP50', 'warmP99']) {
      expect(typeof result.ratios[key], key).toBe('number');
      expect(result.ratios[key], key).toBeGreaterThan(0);
    }
    for (const side of [result.production, result.baseline]) {
      for (const figure of [side.buildMs, side.snapshotRawBytes, side.snapshotStoredBytes]) {
        expect(figure).toBeGreaterThan(0);
      }
      expect(side.coldStart.runs).toHaveLength(3);
      expect(side.coldStart.firstAnswerMs).toBeGreaterThan(0);
      expect(side.coldStart.peakRssBytes).toBeGreaterThan(0);
      expect(side.warm.overall.count).toBe(70);
      for (const p of ['p50', 'p95', 'p99', 'max']) expect(side.warm.overall[p]).toBeGreaterThanOrEqual(0);
    }
    // The baseline always has an HTTP server; production's comes with the search routes.
    expect(result.baseline.http.requests).toBeGreaterThan(0);
    expect(result.baseline.http.non2xx).toBe(0);
    expect(result.production.http ?? result.production.skipped.http).toBeTruthy();
    expect(result.production.ingest ?? result.production.skipped.ingest).toBeTruthy();
    // npm start on a data directory of the same articles, against loadJSON in a fresh process.
    for (const key of ['localStart', 'localPeakRss']) expect(result.ratios[key], key).toBeGreaterThan(0);
    expect(result.localStart.runs).toHaveLength(3);
    expect(result.localStart.baselineRuns).toHaveLength(3);
    for (const run of result.localStart.runs) expect(run.hits).toBeGreaterThan(0);
    // Steady ingest on the modules and on the bundled handlers, and an archive grown in batches.
    const { modules, bundled, growth } = result.steady;
    for (const key of ['publishBytes', 'publishTime', 'refreshTime', 'p99UnderIngest']) {
      expect(result.steady.ratios[key], key).toBeGreaterThan(0);
    }
    expect(result.steady.ratios.p99UnderIngest).toBe(bundled.ratios.p99UnderIngest);
    expect(result.steady.writeAmplification).toBe(growth.writeAmplification);
    expect(modules.searchableBatches).toBeGreaterThan(0);
    expect(bundled.bytesWrittenPerBatch).toBeGreaterThan(0);
    expect(bundled.queriesUnderIngest).toBeGreaterThan(0);
    expect(bundled.ingestToSearchableP95Ms).toBeGreaterThan(0);
    expect(growth.articles).toBe(300);
    expect(growth.writeAmplification).toBeGreaterThanOrEqual(1);
    expect(growth.maxSegmentsPerPartition).toBeGreaterThan(0);
  }, 240_000);
});
