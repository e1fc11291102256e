import { readFileSync } from 'node:fs';
import { ERROR_CODES, openApiDocument } from '@archive/api';
import { defaultPlugins } from '@archive/local';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './api-helpers';
import { nonConformance } from './openapi-conformance';

/**
 * The OpenAPI document: valid OpenAPI 3.1, describing exactly the app's routes, agreeing with the
 * README's tables, and matched by real answers (the API tests check every answer they receive
 * through the same helper; the answers below cover the routes those tests do not).
 */

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const doc = openApiDocument() as unknown as {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
};
const documented = Object.entries(doc.paths)
  .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
  .sort();
/** Served but described elsewhere: the document itself, its reference page, the pages' assets. */
const UNDOCUMENTED = ['GET /openapi.json', 'GET /docs', 'GET /assets/{file}'];

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ plugins: defaultPlugins() });
});

afterAll(async () => {
  await server?.close();
});

describe('GET /openapi.json', () => {
  it('is the document, and a well-kept parser finds it valid OpenAPI 3.1', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as { openapi: string };
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(served.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(served) as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every route the app serves, and no other', () => {
    const served = new Set<string>();
    for (const route of server.runtime.app.routes) {
      if (route.method === 'ALL') continue;
      const path = route.path.replace(/:(\w+)/g, '{$1}').replace(/\/assets\/page\.[^/]+$/, '/assets/{file}');
      served.add(`${route.method} ${path}`);
    }
    // A new route fails here until it is described in packages/api/src/openapi/document.ts (API_ROUTES).
    expect([...served].filter((r) => !UNDOCUMENTED.includes(r)).sort()).toEqual(documented);
  });

  it('names every error code with its status', () => {
    const schemas = (openApiDocument() as unknown as { components: { schemas: Record<string, unknown> } })
      .components.schemas;
    expect(JSON.stringify(schemas.Error)).toContain(JSON.stringify(Object.keys(ERROR_CODES)));
  });
});

describe('GET /docs', () => {
  it('serves the interactive reference of /openapi.json', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('/openapi.json');
  });
});

describe("the README's tables agree with the document", () => {
  const table = (heading: string) => {
    const start = README.indexOf(heading);
    const rows = README.slice(start).split('\n').slice(1);
    const first = rows.findIndex((line) => line.startsWith('|'));
    const body = rows.slice(first + 2);
    return body
      .slice(
        0,
        body.findIndex((line) => !line.startsWith('|')),
      )
      .map((line) =>
        line
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
  };

  it('endpoints', () => {
    const listed: string[] = [];
    for (const [cell = ''] of table('### Endpoints')) {
      let method = '';
      for (const [, item = ''] of cell.matchAll(/`([^`]+)`/g)) {
        const match = /^(?:(GET|POST|DELETE|PUT|PATCH) )?(\/[^?\s]*)/.exec(item);
        if (!match) continue;
        method = match[1] ?? method;
        listed.push(`${method} ${match[2]}`);
      }
    }
    expect([...new Set(listed)].sort()).toEqual([...documented, 'GET /openapi.json', 'GET /docs'].sort());
  });
});

describe('answers conform to the document', () => {
  it('catches an answer that does not', () => {
    expect(nonConformance('GET', '/search', 200, 'application/json', '{"results":[]}')).toMatch(/total/);
    expect(nonConformance('GET', '/search', 418, 'application/json', '{}')).toMatch(/does not list/);
    expect(
      nonConformance('GET', '/search', 400, 'application/json', '{"error":{"code":"made_up","message":"x"}}'),
    ).toMatch(/code/);
  });

  it('search, suggest, feeds, export, health and the pages, errors included', async () => {
    await server.request('/dispatches', {
      method: 'POST',
      auth: true,
      headers: { 'content-type': 'text/plain' },
      body: readFileSync(new URL('./fixtures/sample-dispatch.txt', import.meta.url), 'utf8'),
    });
    const paths = [
      '/search?q=Geneva&histogram=auto',
      '/search?place=Jerusalem&histogram=month&tz=Asia/Jerusalem',
      '/search?q=%22unclosed',
      '/search?limit=0',
      '/search?from=2024-12-01&to=2024-01-01',
      '/search?from=yesterday',
      '/search?histogram=day&tz=Mars/Olympus',
      '/search?cursor=garbage',
      '/suggest?q=gen',
      '/suggest?limit=99',
      '/feed.atom?q=syria',
      '/feed.json?q=syria',
      '/feed.rss?sort=best',
      '/export?format=ndjson',
      '/export?format=xml',
      '/health',
      '/articles/not-there',
      '/',
      '/?q=Geneva',
      '/read/not-there',
      '/?q=Geneva&stories=all',
      '/story/not-there',
    ];
    const statuses: string[] = [];
    for (const path of paths) {
      const res = await server.request(path);
      statuses.push(`${path} ${res.status}`);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => / (200|400|404)$/.test(s))).toHaveLength(paths.length);
  });
});
