import { createApp } from '@archive/api';
import {
  type ArticleRepository,
  ConcurrentWriteError,
  DEFAULT_TABLE_NAME,
  DYNAMO_RETRY,
  DynamoArticleRepository,
} from '@archive/store';
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDraft, startTestDynamo, type TestDynamo } from '../store-helpers';

/**
 * Issue 12, "faults answer honestly": faults are injected into the real SDK client's middleware
 * stack, below its retry step, so the SDK's own bounded, jittered retries run; the real handlers
 * (the hono app over DynamoArticleRepository on dynalite) answer.
 */
interface Fault {
  /** DynamoDB command names to fail (e.g. GetItem), or all. */
  commands: string[] | 'all';
  /** How many attempts fail before the store answers normally (Infinity: every one). */
  failures: number;
  error: () => Error;
}

let db: TestDynamo;
let fault: Fault | null = null;
const attempts: string[] = [];

beforeAll(async () => {
  db = await startTestDynamo();
  (db.client.middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? '?';
      if (fault && (fault.commands === 'all' || fault.commands.includes(command))) {
        attempts.push(command);
        if (fault.failures > 0) {
          fault.failures--;
          throw fault.error();
        }
      }
      return next(args);
    },
    // Below the retry middleware (finalizeRequest), so each retry meets the fault again.
    { step: 'deserialize', name: 'injectFault', priority: 'high' },
  );
}, 60_000);
afterAll(() => db.close());

function throttling(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}
function timeout(): Error {
  return Object.assign(new Error('socket timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

function appOver(repository: ArticleRepository) {
  const app = createApp({
    ingest: { repository },
    articles: { repository },
    authorize: async (bearer) => bearer === 'k',
    logger: { error: () => {} },
  });
  return (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: 'Bearer k', ...init.headers } });
}

const repository = () =>
  new DynamoArticleRepository({ doc: db.doc, tableName: DEFAULT_TABLE_NAME, onUnreadable: () => {} });
const upload = JSON.stringify({ title: 'Fault upload', body: 'Text.', publishedAt: '2024-05-01T10:00:00Z' });

describe('store faults answer 503 with Retry-After after bounded retries (issue 12)', () => {
  it('throttling on every attempt: GET answers 503 unavailable, Retry-After, after exactly maxAttempts tries', async () => {
    attempts.length = 0;
    fault = { commands: ['GetItem'], failures: Number.POSITIVE_INFINITY, error: throttling };
    const response = await appOver(repository())('/articles/some-id');
    fault = null;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(attempts).toEqual(Array(DYNAMO_RETRY.maxAttempts).fill('GetItem'));
  });

  it('throttling that clears within the retries is invisible: the upload is stored once', async () => {
    attempts.length = 0;
    fault = { commands: ['PutItem'], failures: 2, error: throttling };
    const send = appOver(repository());
    const response = await send('/dispatches', {
      method: 'POST',
      body: upload,
      headers: { 'content-type': 'application/json' },
    });
    fault = null;
    expect(response.status).toBe(201);
    expect(attempts).toEqual(['PutItem', 'PutItem', 'PutItem']);
    const id = ((await response.json()) as { id: string }).id;
    expect((await send(`/articles/${id}`)).status).toBe(200);
  });

  it('timeouts on writes: POST and DELETE answer 503, nothing half-written', async () => {
    const send = appOver(repository());
    fault = { commands: ['PutItem', 'BatchGetItem'], failures: Number.POSITIVE_INFINITY, error: timeout };
    const post = await send('/dispatches', {
      method: 'POST',
      body: JSON.stringify({ title: 'Never stored', body: 'Text.', publishedAt: '2024-05-02T10:00:00Z' }),
      headers: { 'content-type': 'application/json' },
    });
    const batch = await send('/dispatches', {
      method: 'POST',
      body: JSON.stringify([
        { title: 'Never stored either', body: 'Text.', publishedAt: '2024-05-02T10:00:00Z' },
      ]),
      headers: { 'content-type': 'application/json' },
    });
    fault = null;
    expect([post.status, batch.status]).toEqual([503, 503]);
    expect(post.headers.get('retry-after')).toBe('1');
    const stored = await repository().put(makeDraft({ id: 'fault-takedown' }));
    fault = { commands: ['PutItem'], failures: Number.POSITIVE_INFINITY, error: timeout };
    const deleted = await send('/articles/fault-takedown', { method: 'DELETE' });
    fault = null;
    expect(deleted.status).toBe(503);
    expect(stored.status).toBe('created');
    expect((await send('/articles/fault-takedown')).status).toBe(200);
  });

  it('health answers 503 while the store is down', async () => {
    const app = createApp({
      articles: { repository: repository() },
      healthCountTtlMs: 0,
      logger: { error: () => {} },
    });
    fault = { commands: 'all', failures: Number.POSITIVE_INFINITY, error: throttling };
    const response = await app.request('/health');
    fault = null;
    expect(response.status).toBe(503);
  });
});

describe('DELETE under contention (issue 12, finding 3)', () => {
  it('a takedown that loses every race answers 409 conflict, not 500', async () => {
    const racing = repository();
    racing.takeDown = async (id) => {
      throw new ConcurrentWriteError(id);
    };
    const response = await appOver(racing)('/articles/contended', { method: 'DELETE' });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      error: { code: 'conflict', details: { id: 'contended' } },
    });
  });

  it('38 concurrent updates and 2 takedowns of one article: no 5xx, every answer documented (100-way: npm run test:reliability)', async () => {
    const send = appOver(repository());
    const created = await send('/dispatches', {
      method: 'POST',
      body: JSON.stringify({ title: 'Contended', body: 'v0', publishedAt: '2024-06-01T10:00:00Z' }),
      headers: { 'content-type': 'application/json' },
    });
    const id = ((await created.json()) as { id: string }).id;
    const requests = Array.from({ length: 40 }, (_, i) =>
      i % 20 === 0
        ? send(`/articles/${id}`, { method: 'DELETE' })
        : send('/dispatches?restore=true', {
            method: 'POST',
            body: JSON.stringify({ title: 'Contended', body: `v${i}`, publishedAt: '2024-06-01T10:00:00Z' }),
            headers: { 'content-type': 'application/json' },
          }),
    );
    const responses = await Promise.all(requests);
    const statuses = responses.map((r) => r.status);
    const failures = await Promise.all(responses.filter((r) => r.status >= 500).map((r) => r.text()));
    expect(failures).toEqual([]);
    for (const status of statuses) expect([200, 201, 404, 409]).toContain(status);
  }, 120_000);
});
