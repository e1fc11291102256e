import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildClientModule, GENERATED_MODULE } from './client-build';
import { CLIENT_CSS, CLIENT_JS } from './client-bundle.generated';

describe('the page assets', () => {
  it('are built from client/ (run `npm run build:web` after changing it)', async () => {
    expect(await readFile(GENERATED_MODULE, 'utf8')).toBe(await buildClientModule());
  });

  it('stay within the 60 KB gzip budget for script and stylesheet together', () => {
    const gzipped = gzipSync(CLIENT_JS).length + gzipSync(CLIENT_CSS).length;
    expect(gzipped).toBeLessThan(60 * 1024);
  });
});
