import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE, startTestServer, type TestServer } from './api-helpers';

let server: TestServer;
let sampleId: string;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const postText = (body: string | Uint8Array, auth: boolean | string = true, query = '') =>
  server.request(`/dispatches${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body,
    auth,
  });
const postJson = (body: unknown, auth: boolean | string = true) =>
  server.request('/dispatches', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    auth,
  });

function jsonDispatch(title: string, extra: Record<string, unknown> = {}) {
  return {
    title,
    body: ['A first paragraph of the dispatch.', 'A second paragraph with more detail.'],
    publishedAt: '2024-06-01T10:00:00+03:00',
    place: 'Beirut',
    ...extra,
  };
}

describe('POST /dispatches', () => {
  it('creates the sample as the article the spec describes', async () => {
    const response = await postText(SAMPLE);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.status).toBe('created');
    expect(body.id).toBe(body.article.id);
    expect(body.article).toMatchObject({
      title: 'Syria Opposition Discuss US-Russia Peace Initiative',
      publishedAt: '2024-11-27T20:30:00Z',
      localTime: '2024-11-27T22:30:00+02:00',
      timeZone: 'Asia/Jerusalem',
      place: 'Jerusalem',
      caption: 'Syria: Friends of Syria group, Amman',
      version: 1,
    });
    expect(body.article.paragraphs).toHaveLength(9);
    expect(Array.isArray(body.diagnostics)).toBe(true);
    sampleId = body.id;
  });

  it('answers a re-upload with unchanged and the same id', async () => {
    const response = await postText(SAMPLE);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: sampleId,
      status: 'unchanged',
      article: { version: 1 },
    });
  });

  it('stores one item for 50 concurrent uploads of the same dispatch', async () => {
    const dispatch = jsonDispatch('Fifty Concurrent Uploads');
    const before = await server.runtime.repository.count();
    const responses = await Promise.all(Array.from({ length: 50 }, () => postJson(dispatch)));
    const statuses = await Promise.all(responses.map(async (r) => (await r.json()).status));
    expect(statuses.filter((s) => s === 'created')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'unchanged')).toHaveLength(49);
    expect(await server.runtime.repository.count()).toBe(before + 1);
  });

  it('updates changed content of the same identity', async () => {
    const first = await (await postJson(jsonDispatch('An Evolving Story'))).json();
    const response = await postJson(jsonDispatch('An Evolving Story', { body: ['The corrected text.'] }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ id: first.id, status: 'updated', article: { version: 2 } });
    expect(body.article.previousHash).toBe(first.article.contentHash);
  });

  it('ingests JSON array and NDJSON batches, one bad item failing alone', async () => {
    const response = await postJson([jsonDispatch('Batch Item One'), { title: 'No body' }, SAMPLE, 42]);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ created: 1, updated: 0, unchanged: 1, failed: 2 });
    expect(body.results.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'failed',
      'unchanged',
      'failed',
    ]);
    expect(body.results[1]).toMatchObject({ index: 1, error: { code: 'empty_body' } });
    expect(body.results[2]).toMatchObject({ index: 2, id: sampleId });

    const ndjson = [JSON.stringify(jsonDispatch('Batch Item Two')), 'not json', JSON.stringify(SAMPLE)].join(
      '\n',
    );
    const ndResponse = await server.request('/dispatches', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${ndjson}\n`,
      auth: true,
    });
    expect(ndResponse.status).toBe(200);
    expect(await ndResponse.json()).toMatchObject({ created: 1, unchanged: 1, failed: 1 });
  });

  it('applies ?timeZone= and ?source= as defaults', async () => {
    const response = await postJson({
      title: 'Zone From Query',
      body: 'Text.',
      localTime: '2024-07-01T12:00:00',
    });
    expect(response.status).toBe(422);
    const withZone = await server.request('/dispatches?timeZone=Europe/London&source=Desk', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Zone From Query', body: 'Text.', localTime: '2024-07-01T12:00:00' }),
      auth: true,
    });
    expect(withZone.status).toBe(201);
    expect((await withZone.json()).article).toMatchObject({
      publishedAt: '2024-07-01T11:00:00Z',
      timeZone: 'Europe/London',
      source: 'Desk',
    });
  });
});

describe('articles', () => {
  it('gets a stored article and 404s an unknown one', async () => {
    const response = await server.request(`/articles/${sampleId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: sampleId, version: 1 });
    const missing = await server.request('/articles/0000000000000000');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('takes an article down; a replay does not restore it unless ?restore=true', async () => {
    const created = await (await postJson(jsonDispatch('To Be Taken Down'))).json();
    const id = created.id as string;
    expect((await server.request(`/articles/${id}`, { method: 'DELETE' })).status).toBe(401);

    const deleted = await server.request(`/articles/${id}`, { method: 'DELETE', auth: true });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ id, status: 'taken_down', version: 2 });
    expect((await server.request(`/articles/${id}`)).status).toBe(404);
    expect((await server.request(`/articles/${id}`, { method: 'DELETE', auth: true })).status).toBe(404);

    const replay = await postJson(jsonDispatch('To Be Taken Down'));
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'taken_down' } });
    expect((await server.request(`/articles/${id}`)).status).toBe(404);

    const restored = await server.request('/dispatches?restore=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(jsonDispatch('To Be Taken Down')),
      auth: true,
    });
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ id, status: 'updated', article: { version: 3 } });
    expect((await server.request(`/articles/${id}`)).status).toBe(200);
  });
});

describe('GET /health', () => {
  it('reports status and the live article count', async () => {
    const response = await server.request('/health');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('ok');
    expect(body.articles).toBe(await server.runtime.repository.count());
  });
});
