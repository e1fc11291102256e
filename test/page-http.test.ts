import type { LocalRuntime } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArchive } from './browser/browser-support';

/** The pages over plain HTTP (no browser): status codes, headers, assets, fragments, escaping. */

let runtime: LocalRuntime;
let base: string;

beforeAll(async () => {
  ({ runtime, base } = await startArchive());
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

describe('GET / and GET /read/{id}', () => {
  it('serve whole HTML pages with a strict content security policy and hashed assets', async () => {
    const res = await fetch(`${base}/?q=cocoa`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<mark>');
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets).toHaveLength(2);
    for (const path of assets) {
      const asset = await fetch(`${base}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('answer the script with the part below the search box only', async () => {
    const html = await (await fetch(`${base}/?q=cocoa`, { headers: { 'x-page-fragment': 'body' } })).text();
    expect(html.startsWith('<div class="body" id="page-body"')).toBe(true);
    expect(html).not.toContain('<html');
  });

  it('show the API refusal of a bad query as the page error, escaped', async () => {
    // A prefix of two letters is refused even by the forgiving default mode.
    const res = await fetch(`${base}/?q=${encodeURIComponent('"<b>" ab*')}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('value="&quot;&lt;b&gt;&quot; ab*"');
    expect(html).not.toContain('<b>"');
  });

  it('answer an unknown article with a 404 page', async () => {
    const res = await fetch(`${base}/read/no-such-article`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Article not found');
  });
});
