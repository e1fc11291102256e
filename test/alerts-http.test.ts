import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyDelivery } from '@archive/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './api-helpers';
import { WebhookReceiver } from './webhook-receiver';

/**
 * Standing searches over HTTP against the local server: alerts are created, listed, read and
 * deleted through the API; matching articles are delivered as signed POSTs to receivers on
 * loopback; a receiver that fails and recovers gets the match on a retry; one that never recovers
 * parks the alert with the reason visible. Backoffs are a few milliseconds so the test is fast.
 */
let server: TestServer;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.start();
  server = await startTestServer({
    alertDelivery: { maxAttempts: 3, baseBackoffMs: 5, maxBackoffMs: 20, timeoutMs: 5000 },
  });
});

afterAll(async () => {
  await server?.close();
  await receiver.close();
});

async function createAlert(body: Record<string, unknown>, auth: true | string = true) {
  return server.request('/alerts', {
    method: 'POST',
    auth,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Uploads a dispatch and waits for the deliveries it started (matching runs before the answer). */
async function ingest(dispatch: Record<string, unknown>): Promise<string> {
  const response = await server.request('/dispatches', {
    method: 'POST',
    auth: true,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ publishedAt: '2024-11-27T20:30:00Z', ...dispatch }),
  });
  expect(response.status).toBe(201);
  await server.runtime.alerts.drain();
  return ((await response.json()) as { id: string }).id;
}

describe('POST /alerts refuses', () => {
  it('a request without the ingest key', async () => {
    const response = await server.request('/alerts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'x', webhookUrl: `${receiver.url}/ok` }),
    });
    expect(response.status).toBe(401);
  });

  it('a query or filter /search refuses, with its code', async () => {
    const bad = await createAlert({ q: '"unclosed', webhookUrl: `${receiver.url}/ok` });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({
      code: 'invalid_query',
      details: { reason: 'unterminated_phrase' },
    });
    const date = await createAlert({ q: 'x', from: 'soon', webhookUrl: `${receiver.url}/ok` });
    expect((await date.json()).error.code).toBe('invalid_date');
  });

  it('webhooks to private, link-local or non-http addresses, and unknown fields', async () => {
    for (const webhookUrl of [
      'http://10.1.2.3/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[fe80::1]/hook',
      'ftp://127.0.0.1/hook',
      'http://user:pass@127.0.0.1/hook',
      'not a url',
    ]) {
      const response = await createAlert({ q: 'geneva', webhookUrl });
      expect(response.status, webhookUrl).toBe(422);
      expect((await response.json()).error.code).toBe('invalid_webhook_url');
    }
    const unknown = await createAlert({ q: 'geneva', webhookUrl: `${receiver.url}/ok`, owner: 'me' });
    expect(unknown.status).toBe(422);
    expect((await unknown.json()).error.code).toBe('invalid_alert');
    const notJson = await server.request('/alerts', {
      method: 'POST',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect((await notJson.json()).error.code).toBe('malformed');
  });
});

describe('key scopes', () => {
  it('a key with only the alerts scope manages alerts and cannot ingest or take down', async () => {
    const { key } = await server.runtime.keyStore.create('alert desk', ['alerts']);
    const created = await createAlert({ q: 'scoped', webhookUrl: `${receiver.url}/ok` }, key);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await server.request(`/alerts/${id}`, { auth: key })).status).toBe(200);
    expect((await server.request('/alerts', { auth: key })).status).toBe(200);
    const upload = await server.request('/dispatches', {
      method: 'POST',
      auth: key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Scoped', body: ['Not allowed.'], publishedAt: '2024-11-27T20:30:00Z' }),
    });
    expect(upload.status).toBe(401);
    expect((await upload.json()).error.message).toMatch(/needs an ingest key/);
    const takedown = await server.request('/articles/0123456789abcdef01234567', {
      method: 'DELETE',
      auth: key,
    });
    expect(takedown.status).toBe(401);
    expect((await server.request(`/alerts/${id}`, { method: 'DELETE', auth: key })).status).toBe(200);
  });

  it('an ingest key made with `keys create` manages alerts too; a revoked alerts key nothing', async () => {
    const ingestKey = await server.runtime.keyStore.create('newsroom');
    expect(ingestKey.record.scopes).toEqual(['ingest']);
    expect((await server.request('/alerts', { auth: ingestKey.key })).status).toBe(200);
    const alertsKey = await server.runtime.keyStore.create('old desk', ['alerts']);
    await server.runtime.keyStore.revoke('old desk');
    const refused = await createAlert({ q: 'scoped', webhookUrl: `${receiver.url}/ok` }, alertsKey.key);
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.message).toMatch(/alerts scope/);
  });
});

describe('deliveries', () => {
  it('POSTs a signed match to the receiver, once per article version, and only for matches', async () => {
    const created = await createAlert({
      q: 'geneva talks',
      place: 'Jerusalem',
      webhookUrl: `${receiver.url}/ok`,
    });
    expect(created.status).toBe(201);
    const alert = await created.json();
    expect(alert.secret).toMatch(/^whsec_/);
    expect(created.headers.get('location')).toBe(`/alerts/${alert.id}`);

    const matching = await ingest({
      title: 'Opposition Weighs Geneva Talks',
      body: 'The opposition met to discuss the Geneva talks.',
      place: 'Jerusalem',
    });
    await ingest({ title: 'Geneva Talks Elsewhere', body: 'Talks in Geneva.', place: 'Cairo' });
    await ingest({ title: 'Port Reopens', body: 'The port reopened.', place: 'Jerusalem' });

    const [delivery, ...more] = receiver.at('/ok');
    expect(more).toHaveLength(0);
    if (!delivery) throw new Error('no delivery');
    const signature = delivery.headers[SIGNATURE_HEADER] as string;
    const timestamp = delivery.headers[TIMESTAMP_HEADER] as string;
    expect(verifyDelivery(alert.secret, { signature, timestamp }, delivery.body)).toBe(true);
    expect(verifyDelivery(alert.secret, { signature, timestamp }, `${delivery.body} `)).toBe(false);
    expect(verifyDelivery('whsec_other', { signature, timestamp }, delivery.body)).toBe(false);
    const payload = JSON.parse(delivery.body);
    expect(payload).toMatchObject({
      type: 'article.matched',
      alertId: alert.id,
      change: 'created',
      article: { id: matching, title: 'Opposition Weighs Geneva Talks', version: 1 },
    });
    expect(delivery.headers['x-archive-delivery-id']).toBe(`${alert.id}:${matching}:1`);

    const read = await server.request(`/alerts/${alert.id}`, { auth: true });
    const view = await read.json();
    expect(view).toMatchObject({ status: 'active', deliveries: 1, failures: 0, parkedReason: null });
    expect(view.secret).toBeUndefined();
    const listed = await (await server.request('/alerts', { auth: true })).json();
    expect(listed.alerts.map((a: { id: string }) => a.id)).toContain(alert.id);
    expect(JSON.stringify(listed)).not.toContain(alert.secret);
  });

  it('retries with backoff until a failing receiver recovers', async () => {
    const alert = await (await createAlert({ q: 'flood', webhookUrl: `${receiver.url}/flaky` })).json();
    await ingest({ title: 'Flood Warning Issued', body: 'Rivers rose after the flood.', place: 'Beirut' });
    expect(receiver.at('/flaky')).toHaveLength(3);
    const view = await (await server.request(`/alerts/${alert.id}`, { auth: true })).json();
    expect(view).toMatchObject({
      status: 'active',
      deliveries: 1,
      failures: 0,
      lastFailure: { reason: 'the receiver answered HTTP 500' },
    });
  });

  it('parks the alert, with the reason, when the receiver never recovers', async () => {
    const alert = await (await createAlert({ q: 'drought', webhookUrl: `${receiver.url}/down` })).json();
    await ingest({ title: 'Drought Deepens', body: 'The drought deepened.', place: 'Cairo' });
    expect(receiver.at('/down')).toHaveLength(3);
    const view = await (await server.request(`/alerts/${alert.id}`, { auth: true })).json();
    expect(view).toMatchObject({
      status: 'parked',
      failures: 3,
      parkedReason: '3 attempts failed; the last: the receiver answered HTTP 503',
    });
    // Parked: later matches are not delivered.
    await ingest({ title: 'Drought Spreads', body: 'The drought spread.', place: 'Cairo' });
    expect(receiver.at('/down')).toHaveLength(3);
  });

  it('deletes an alert: no more deliveries, then 404', async () => {
    const alert = await (await createAlert({ q: 'locusts', webhookUrl: `${receiver.url}/ok` })).json();
    const deleted = await server.request(`/alerts/${alert.id}`, { method: 'DELETE', auth: true });
    expect(await deleted.json()).toEqual({ id: alert.id, status: 'deleted' });
    const before = receiver.at('/ok').length;
    await ingest({ title: 'Locusts Swarm', body: 'Locusts swarmed.', place: 'Cairo' });
    expect(receiver.at('/ok')).toHaveLength(before);
    expect((await server.request(`/alerts/${alert.id}`, { auth: true })).status).toBe(404);
    expect((await server.request(`/alerts/${alert.id}`, { method: 'DELETE', auth: true })).status).toBe(404);
    expect((await server.request('/alerts/nope', { auth: true })).status).toBe(404);
  });
});

describe('the number of alerts', () => {
  it('is bounded: 409 too_many_alerts at the limit, room again after a deletion', async () => {
    const small = await startTestServer({ maxAlerts: 1 });
    try {
      const create = () =>
        small.request('/alerts', {
          method: 'POST',
          auth: true,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ q: 'oil', webhookUrl: `${receiver.url}/ok` }),
        });
      const first = await (await create()).json();
      const refused = await create();
      expect(refused.status).toBe(409);
      expect((await refused.json()).error).toMatchObject({ code: 'too_many_alerts', details: { limit: 1 } });
      await small.request(`/alerts/${first.id}`, { method: 'DELETE', auth: true });
      expect((await create()).status).toBe(201);
    } finally {
      await small.close();
    }
  });
});
