import { MAX_DISPATCH_BYTES } from '@archive/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE, startTestServer, type TestServer } from './api-helpers';

let server: TestServer;
let sampleId: string;
let sampleBefore: unknown;

beforeAll(async () => {
  server = await startTestServer();
  const created = await server.request('/dispatches', {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: SAMPLE,
    auth: true,
  });
  sampleId = (await created.json()).id;
  sampleBefore = await (await server.request(`/articles/${sampleId}`)).json();
});
afterAll(async () => {
  await server.close();
});

/** Sends a request that must be rejected, and checks the status, the error body and that nothing changed. */
async function expectRejected(
  status: number,
  code: string | null,
  path: string,
  init: RequestInit & { auth?: boolean | string },
): Promise<void> {
  const countBefore = await server.runtime.repository.count();
  const response = await server.request(path, init);
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = await response.json();
  expect(body.error).toMatchObject(code ? { code } : {});
  expect(typeof body.error.message).toBe('string');
  expect(await server.runtime.repository.count()).toBe(countBefore);
  expect(await (await server.request(`/articles/${sampleId}`)).json()).toEqual(sampleBefore);
}

const sampleModified = SAMPLE.replace('Some opposition members', 'Several opposition members');
const text = (body: RequestInit['body'], contentType = 'text/plain') => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
  auth: true as const,
});

describe('rejected requests change nothing', () => {
  it('401 without a key, with a wrong key, with a malformed header', async () => {
    await expectRejected(401, 'unauthorized', '/dispatches', { ...text(sampleModified), auth: false });
    await expectRejected(401, 'unauthorized', '/dispatches', {
      ...text(sampleModified),
      auth: 'dak_wrong-key',
    });
    await expectRejected(401, 'unauthorized', '/dispatches', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: server.key },
      body: sampleModified,
    });
    await expectRejected(401, 'unauthorized', `/articles/${sampleId}`, { method: 'DELETE' });
    await expectRejected(401, 'unauthorized', `/articles/${sampleId}`, { method: 'DELETE', auth: 'nope' });
  });

  it('400 for malformed bodies and parameters', async () => {
    await expectRejected(400, 'malformed', '/dispatches', text('{"title": ', 'application/json'));
    await expectRejected(400, 'malformed', '/dispatches', text('42', 'application/json'));
    await expectRejected(400, 'malformed', '/dispatches', text(new Uint8Array([0xff, 0xfe, 0x41])));
    await expectRejected(400, 'invalid_parameters', '/dispatches?restore=maybe', text(sampleModified));
    await expectRejected(
      400,
      'invalid_parameters',
      '/dispatches?timeZone=Mars/Olympus',
      text(sampleModified),
    );
    await expectRejected(400, 'invalid_id', `/articles/${'x'.repeat(300)}`, { method: 'GET' });
  });

  it('404 for unknown articles and routes', async () => {
    await expectRejected(404, 'not_found', '/articles/unknown-id', { method: 'GET' });
    await expectRejected(404, 'not_found', '/articles/unknown-id', { method: 'DELETE', auth: true });
    await expectRejected(404, 'not_found', '/nowhere', { method: 'GET' });
  });

  it('413 over the size limits', async () => {
    const huge = `${sampleModified}\n\n${'word '.repeat(MAX_DISPATCH_BYTES / 5)}`;
    await expectRejected(413, 'too_large', '/dispatches', text(huge));
    const hugeJson = JSON.stringify({
      title: 'Huge',
      body: 'word '.repeat(MAX_DISPATCH_BYTES / 5),
      place: 'Cairo',
    });
    await expectRejected(413, 'too_large', '/dispatches', text(hugeJson, 'application/json'));
    const tooMany = JSON.stringify(Array.from({ length: 501 }, () => sampleModified));
    await expectRejected(413, 'too_large', '/dispatches', text(tooMany, 'application/json'));
    const tooBig = 'x'.repeat(5 * 1024 * 1024 + 1);
    await expectRejected(413, 'too_large', '/dispatches', text(tooBig, 'application/x-ndjson'));
  });

  it('415 for unsupported media types', async () => {
    await expectRejected(
      415,
      'unsupported_media_type',
      '/dispatches',
      text(sampleModified, 'application/xml'),
    );
    await expectRejected(
      415,
      'unsupported_media_type',
      '/dispatches',
      text(sampleModified, 'text/plain; charset=latin1'),
    );
    await expectRejected(415, 'unsupported_media_type', '/dispatches', {
      method: 'POST',
      body: new Blob([sampleModified]),
      auth: true,
    });
  });

  it('422 for dispatches that parse but are invalid', async () => {
    const noDateline = sampleModified.split('\n').slice(2).join('\n');
    await expectRejected(422, 'missing_dateline', '/dispatches', text(noDateline));
    await expectRejected(
      422,
      'unknown_place',
      '/dispatches',
      text(sampleModified.replace('Jerusalem', 'Atlantis')),
    );
    await expectRejected(
      422,
      'empty_body',
      '/dispatches',
      text('27-11-2024 10:30 PM Jerusalem Timing\n\nOnly A Title\n'),
    );
    await expectRejected(
      422,
      'missing_title',
      '/dispatches',
      text(JSON.stringify({ body: 'x' }), 'application/json'),
    );
  });

  it('409 for a replay of a taken-down dispatch', async () => {
    const dispatch = JSON.stringify({ title: 'Gone', body: 'Text.', publishedAt: '2024-01-01T00:00:00Z' });
    const id = (await (await server.request('/dispatches', text(dispatch, 'application/json'))).json()).id;
    await server.request(`/articles/${id}`, { method: 'DELETE', auth: true });
    await expectRejected(409, 'taken_down', '/dispatches', text(dispatch, 'application/json'));
  });

  it('never answers 5xx to arbitrary input', async () => {
    const contentTypes = ['text/plain', 'application/json', 'application/x-ndjson', 'text/html', ''];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...contentTypes),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.uint8Array({ maxLength: 200 }),
          fc.constant(SAMPLE.slice(0, 200)),
        ),
        fc.boolean(),
        async (contentType, body, auth) => {
          const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
          const response = await server.request('/dispatches', { method: 'POST', headers, body, auth });
          expect(response.status).toBeLessThan(500);
          await response.arrayBuffer();
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (id) => {
        const response = await server.request(`/articles/${encodeURIComponent(id)}`);
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 40 },
    );
  });
});
