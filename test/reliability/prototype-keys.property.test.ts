import { defaultPlugins } from '@archive/local';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api-helpers';
import { PROTOTYPE_KEYS } from '../fixtures/prototype-keys';

/**
 * Issue 12, finding 1: every lookup keyed by user text must treat Object.prototype's names as
 * ordinary text. Each generated case puts one such name (in some spelling) into one field of one
 * route; the server must answer below 500, and afterwards the archive must still be whole.
 */
const spellings = fc
  .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom('as is', 'upper', 'spaced', 'prefixed'))
  .map(([key, how]) => {
    switch (how) {
      case 'upper':
        return key.toUpperCase();
      case 'spaced':
        return ` ${key} `;
      case 'prefixed':
        return `${key}*`;
      default:
        return key;
    }
  });

type Case = { method: string; path: string; body?: string; type?: string; auth?: boolean };
const enc = encodeURIComponent;
const base = { title: 'Proto fields', body: 'Body text.', publishedAt: '2024-05-01T10:00:00Z' };
const JSON_FIELDS = [
  'title',
  'body',
  'publishedAt',
  'localTime',
  'dateline',
  'place',
  'timeZone',
  'caption',
  'source',
  'url',
  'language',
];

/** Every route and every field a request can carry text in, with `k` put there. */
function cases(k: string): Case[] {
  const post = (value: unknown, path = '/dispatches'): Case => ({
    method: 'POST',
    path,
    body: JSON.stringify(value),
    type: 'application/json',
    auth: true,
  });
  return [
    ...JSON_FIELDS.map((field) => post({ ...base, [field]: k })),
    post({ ...base, localTime: '2024-05-01T10:00:00', place: k }),
    post({ ...base, localTime: '2024-05-01T10:00:00', timeZone: k }),
    post({ ...base, tags: [k, 'ok'] }),
    post({ ...base, body: [k, k] }),
    post(
      JSON.parse(
        `{"title":"Proto key","body":"B.","publishedAt":"2024-05-01T10:00:00Z",${JSON.stringify(k)}:{"x":1}}`,
      ),
    ),
    post([
      { ...base, place: k },
      { ...base, title: k },
    ]),
    post({ ...base, title: `Proto ${k}` }, `/dispatches?${enc(k)}=1`),
    post({ ...base, localTime: '2024-05-01T10:00:00' }, `/dispatches?timeZone=${enc(k)}`),
    post({ ...base, title: `Proto source ${k}` }, `/dispatches?source=${enc(k)}`),
    post({ ...base }, `/dispatches?restore=${enc(k)}`),
    {
      method: 'POST',
      path: '/dispatches',
      body: `01-05-2024 10:00 AM ${k} Timing\nTitle ${k}\n\n${k}`,
      type: 'text/plain',
      auth: true,
    },
    {
      method: 'POST',
      path: '/dispatches',
      body: `${JSON.stringify({ ...base, place: k })}\n`,
      type: 'application/x-ndjson',
      auth: true,
    },
    { method: 'GET', path: `/articles/${enc(k)}` },
    { method: 'DELETE', path: `/articles/${enc(k)}`, auth: true },
    ...['q', 'place', 'source', 'language', 'tag', 'sort', 'mode', 'from', 'to', 'cursor', 'limit'].map(
      (p) => ({
        method: 'GET',
        path: `/search?${p}=${enc(k)}`,
      }),
    ),
    { method: 'GET', path: `/search?q=${enc(`${k}:${k}`)}` },
    { method: 'GET', path: `/search?q=${enc(`title:${k}`)}` },
    { method: 'GET', path: `/search?q=${enc(`${k}~`)}` },
    { method: 'GET', path: `/search?q=${enc(`"${k} ${k}"`)}` },
    { method: 'GET', path: `/search?q=proto&place=${enc(k)}&tag=${enc(k)}&source=${enc(k)}` },
    { method: 'GET', path: `/search?${enc(k)}=1&q=proto` },
    { method: 'GET', path: `/suggest?q=${enc(k)}` },
    { method: 'GET', path: `/suggest?${enc(k)}=1` },
    { method: 'GET', path: `/health?${enc(k)}=1` },
    { method: 'GET', path: `/${enc(k)}` },
  ];
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ plugins: defaultPlugins() });
});
afterAll(() => server.close());

/** Status and JSON body (null when the answer is not JSON). */
async function call(path: string, init: RequestInit & { auth?: boolean } = {}) {
  const response = await server.request(path, init);
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

async function send(c: Case) {
  return call(c.path, {
    method: c.method,
    auth: c.auth,
    ...(c.body === undefined
      ? {}
      : { body: c.body, headers: { 'content-type': c.type ?? 'application/json' } }),
  });
}

describe('prototype names through every field of every route (issue 12, finding 1)', () => {
  it('never answer 5xx, and every accepted article stays readable, replaceable and removable', async () => {
    const accepted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(spellings, fc.nat(), async (k, pick) => {
        const all = cases(k);
        const chosen = all[pick % all.length] as Case;
        const { status, body } = await send(chosen);
        expect(status, `${chosen.method} ${chosen.path} ${chosen.body ?? ''}`).toBeLessThan(500);
        const id = (body as { id?: string }).id;
        if (chosen.method === 'POST' && id) accepted.add(id);
      }),
      { numRuns: 100 },
    );
    // Every case at least once for the names that broke things, on top of the random ones.
    for (const k of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      for (const c of cases(k)) {
        const { status, body } = await send(c);
        expect(status, `${c.method} ${c.path} ${c.body ?? ''}`).toBeLessThan(500);
        const id = (body as { id?: string }).id;
        if (c.method === 'POST' && id) accepted.add(id);
      }
    }
    expect(accepted.size).toBeGreaterThan(0);
    for (const id of accepted) {
      const read = await call(`/articles/${enc(id)}`);
      expect([200, 404], id).toContain(read.status);
    }
    const health = await call('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
    expect(server.runtime.repository.quarantined()).toEqual([]);
  }, 180_000);

  it('the exact upload of the report: 201, then read, re-upload and takedown all answer normally', async () => {
    for (const [n, place] of ['__proto__', 'constructor', 'Constructor'].entries()) {
      // The report's upload; distinct days, since titles differing only in case share an identity.
      const publishedAt = `2024-05-0${n + 1}T10:00:00Z`;
      const upload = JSON.stringify({ title: 'Proto place', body: 'Body.', publishedAt, place });
      const init = {
        method: 'POST',
        auth: true,
        body: upload,
        headers: { 'content-type': 'application/json' },
      };
      const created = await call('/dispatches', init);
      expect([200, 201], JSON.stringify(created.body)).toContain(created.status);
      const id = (created.body as { id: string }).id;
      expect((await call(`/articles/${id}`)).status).toBe(200);
      expect((await call('/dispatches', init)).status).toBe(200);
      expect((await call(`/articles/${id}`, { method: 'DELETE', auth: true })).status).toBe(200);
    }
  });
});
