import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorTable } from './error-codes';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [path] : [];
  });
}

/** Every `[status, code]` the code can answer with, read from where errors are made. */
function thrownCodes(): [number, string][] {
  const found: [number, string][] = [];
  // The local server's guards (packages/local/src/http-guards.ts) answer too.
  const answering = [
    ...sources(join(ROOT, 'packages', 'api', 'src')),
    ...sources(join(ROOT, 'packages', 'local', 'src')),
  ];
  for (const file of answering) {
    const text = readFileSync(file, 'utf8');
    for (const [, status, code] of text.matchAll(/new ApiError\(\s*(\d{3}),\s*'([a-z_]+)'/g)) {
      found.push([Number(status), code as string]);
    }
    // Bodies built by hand (`{ error: { code: 'x', ... } }`, the ingest results): the status is
    // checked where it is a literal next to the code, else only that the code is listed.
    for (const [, code] of text.matchAll(/code: '([a-z_]+)'/g)) found.push([Number.NaN, code as string]);
    for (const [, status, code] of text.matchAll(/httpStatus: (\d{3}),\s*error: \{\s*code: '([a-z_]+)'/g)) {
      found.push([Number(status), code as string]);
    }
  }
  for (const file of sources(join(ROOT, 'packages', 'search', 'src'))) {
    const text = readFileSync(file, 'utf8');
    // The engine's refusals become 400s with their own code (routes/search.ts engineError).
    for (const [, code] of text.matchAll(/new SearchRequestError\(\s*'([a-z_]+)'/g))
      found.push([400, code as string]);
  }
  const core = readFileSync(join(ROOT, 'packages', 'core', 'src', 'errors.ts'), 'utf8');
  const union = core.match(/type ValidationErrorCode =([^;]*);/)?.[1] ?? '';
  for (const [, code] of union.matchAll(/'([a-z_]+)'/g)) {
    found.push([code === 'malformed' ? 400 : code === 'too_large' ? 413 : 422, code as string]);
  }
  return found;
}

describe('the API error codes', () => {
  const registry = ERROR_CODES as Record<string, readonly [number, string]>;
  const thrown = thrownCodes();

  it('are found where errors are made (the scan is not empty)', () => {
    expect(thrown.length).toBeGreaterThan(20);
  });

  it('each code thrown is listed, with the status it is thrown with', () => {
    for (const [status, code] of thrown) {
      expect(registry[code], `${code} is not in ERROR_CODES`).toBeDefined();
      if (!Number.isNaN(status)) expect([code, registry[code]?.[0]]).toEqual([code, status]);
    }
  });

  it('each code listed is thrown somewhere', () => {
    const used = new Set(thrown.map(([, code]) => code));
    for (const code of Object.keys(registry)) expect(used.has(code), code).toBe(true);
  });

  it('the README error table is the rendered list', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.match(/<!-- error-codes:start[^>]*-->\n([\s\S]*?)\n<!-- error-codes:end -->/)?.[1];
    expect(table).toBe(errorTable());
  });
});
