/**
 * `npm run synth` exactly as a newcomer runs it: the real CDK CLI, no AWS credentials, no network
 * (proxies point at a closed port), and a `docker` that records any call and fails, so Docker
 * bundling would be caught rather than silently used.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ENTRIES } from './lib/bundling';

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'archive-synth-'));
const outdir = path.join(work, 'cdk.out');
const dockerMarker = path.join(work, 'docker-was-called');
let result: ReturnType<typeof spawnSync>;

beforeAll(() => {
  const fakeBin = path.join(work, 'bin');
  const fakeDocker = path.join(fakeBin, 'docker');
  spawnSync('mkdir', ['-p', fakeBin]);
  writeFileSync(fakeDocker, `#!/bin/sh\necho "$@" >> '${dockerMarker}'\nexit 1\n`);
  chmodSync(fakeDocker, 0o755);

  // Only what npm and node need; nothing that could carry AWS credentials or a profile.
  const env: Record<string, string> = {
    PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
    HOME: work,
    CDK_DOCKER: fakeDocker,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
    AWS_CONFIG_FILE: path.join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws-credentials'),
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_offline: 'true',
  };
  result = spawnSync('npm', ['run', 'synth', '--', '-o', outdir], { cwd: root, env, encoding: 'utf8' });
}, 240_000); // generous for a loaded 2-core machine; ~15 s of CPU

describe('npm run synth', () => {
  it('succeeds offline without credentials and writes the cloud assembly', () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    const template = JSON.parse(readFileSync(path.join(outdir, 'DispatchArchive-dev.template.json'), 'utf8'));
    expect(Object.keys(template.Resources).length).toBeGreaterThan(30);
  });

  it('bundled every function with the local esbuild, never Docker', () => {
    expect(existsSync(dockerMarker) ? readFileSync(dockerMarker, 'utf8') : '').toBe('');
    const bundles = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    // Every entry but the partition function, which the default layout (K = 0) does not deploy.
    expect(bundles).toHaveLength(Object.keys(FUNCTION_ENTRIES).length - 1);
    for (const dir of bundles) {
      const files = readdirSync(path.join(outdir, dir)).sort();
      expect(files).toEqual(['index.mjs', 'index.mjs.map']);
    }
  });

  it('reports no cdk-nag violation', () => {
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports ?? []).toEqual([]);
  });
});
