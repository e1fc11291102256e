import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AlertMatcher,
  AlertService,
  STRICT_WEBHOOK_POLICY,
  WebhookDeliverer,
  type WebhookUrlPolicy,
} from '@archive/api';
import type { Article } from '@archive/core';
import { type AlertRecord, type DynamoAlertStore, newAlertRecord } from '@archive/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertsDynamo, type TestDynamo } from './store-helpers';

/**
 * The deliverer's failure paths against real sockets on loopback and the alert table on dynalite:
 * a receiver that never answers (the per-attempt timeout), one that redirects, a URL the policy
 * refuses at delivery time, and an alert deleted between attempts.
 */
const LOCAL: WebhookUrlPolicy = { allowHttp: true, allowLoopback: true, allowPrivate: false };
let db: TestDynamo;
let store: DynamoAlertStore;
let server: Server;
let base = '';
const hits = new Map<string, number>();

beforeAll(async () => {
  ({ db, alerts: store } = await startAlertsDynamo());
  server = createServer((request, response) => {
    const path = request.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/hang') return; // never answers
    if (path === '/redirect') return void response.writeHead(302, { location: 'http://10.0.0.1/' }).end();
    if (path === '/ok') return void response.writeHead(204).end();
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.close();
});

async function alertTo(webhookUrl: string): Promise<AlertRecord> {
  const alert = newAlertRecord({ query: { q: 'anything' }, webhookUrl, secret: 'whsec_test' });
  await store.create(alert);
  return alert;
}

const delivery = { deliveryId: 'd1', body: '{}' };
const fast = { maxAttempts: 2, baseBackoffMs: 1, maxBackoffMs: 2 };

describe('WebhookDeliverer', () => {
  it('bounds each attempt: a receiver that never answers parks the alert with a timeout', async () => {
    const alert = await alertTo(`${base}/hang`);
    const deliverer = new WebhookDeliverer(store, { ...fast, policy: LOCAL, timeoutMs: 100 });
    expect(await deliverer.deliver(alert, delivery)).toBe('parked');
    expect(hits.get('/hang')).toBe(2);
    expect(await store.get(alert.id)).toMatchObject({
      status: 'parked',
      failures: 2,
      parkedReason: '2 attempts failed; the last: no answer within 100 ms',
    });
  });

  it('does not follow redirects (they could lead past the address check)', async () => {
    const alert = await alertTo(`${base}/redirect`);
    const deliverer = new WebhookDeliverer(store, { ...fast, policy: LOCAL });
    expect(await deliverer.deliver(alert, delivery)).toBe('parked');
    expect((await store.get(alert.id))?.parkedReason).toMatch(/HTTP 302/);
  });

  it('checks the URL again at every attempt: no request to an address the policy refuses', async () => {
    const alert = await alertTo(`${base}/strict`);
    const deliverer = new WebhookDeliverer(store, { ...fast, policy: STRICT_WEBHOOK_POLICY });
    expect(await deliverer.deliver(alert, delivery)).toBe('parked');
    expect(hits.get('/strict')).toBeUndefined();
    expect((await store.get(alert.id))?.parkedReason).toBe(
      '2 attempts failed; the last: a webhook URL is https',
    );
  });

  it('connects to the addresses it checked, not to a second resolution of the host', async () => {
    const port = new URL(base).port;
    const alert = await alertTo(`http://hooks.invalid:${port}/ok`);
    // `.invalid` never resolves in DNS: the delivery can only arrive through the checked address.
    const deliverer = new WebhookDeliverer(store, {
      ...fast,
      policy: LOCAL,
      resolveHost: async () => ['127.0.0.1'],
    });
    expect(await deliverer.deliver(alert, delivery)).toBe('delivered');
    expect(hits.get('/ok')).toBe(1);
  });

  it('stops retrying an alert deleted meanwhile', async () => {
    const alert = await alertTo(`${base}/gone`);
    const deliverer = new WebhookDeliverer(store, {
      maxAttempts: 5,
      // Waits of 100-200 ms: the deletion lands long before the retries could run out.
      baseBackoffMs: 200,
      maxBackoffMs: 200,
      policy: LOCAL,
    });
    const outcome = deliverer.deliver(alert, delivery);
    // Deleted as soon as the first attempt is recorded as failed.
    while (((await store.get(alert.id))?.failures ?? 0) < 1) await new Promise((r) => setTimeout(r, 5));
    await store.delete(alert.id);
    expect(await outcome).toBe('skipped');
    expect(hits.get('/gone')).toBeLessThan(5);
  });
});

describe('AlertService.start', () => {
  it('leaves out, and reports, a stored alert whose query no longer reads', async () => {
    const broken = await alertTo(`${base}/ok`);
    await store.delete(broken.id);
    await store.create({ ...broken, query: { q: '"never closed' } });
    const errors: unknown[] = [];
    const service = await AlertService.start(store, {
      delivery: { policy: LOCAL },
      onError: (e) => errors.push(e),
    });
    expect(String(errors[0])).toContain(`alert ${broken.id} not loaded`);
    await service.close();
  });
});

describe('AlertMatcher.sync (how the matcher function on AWS reloads the table)', () => {
  const article: Article = {
    id: 'harbour-article',
    title: 'Harbour cranes back at work',
    paragraphs: ['Cranes at the harbour moved containers again.'],
    caption: null,
    publishedAt: '2024-07-02T06:00:00Z',
    localTime: '2024-07-02T09:00:00+03:00',
    timeZone: 'Asia/Beirut',
    place: 'Beirut',
    language: 'en',
    source: null,
    url: null,
    tags: [],
    version: 2,
    contentHash: 'x',
    previousHash: 'w',
    ingestedAt: '2024-07-02T06:01:00Z',
    updatedAt: '2024-07-02T06:01:00Z',
  };
  const alert = (id: string, q: string, status: AlertRecord['status'] = 'active') => ({
    ...newAlertRecord({ id: `alr_${id.padEnd(16, '0')}`, query: { q }, webhookUrl: 'https://example.com/' }),
    status,
  });
  const upsert = { kind: 'upsert', id: article.id, version: 2, article } as const;

  it('adds new active alerts, drops deleted and parked ones, and builds one delivery per match', () => {
    const matcher = new AlertMatcher(() => new Date('2024-07-02T06:02:00Z'));
    const cranes = alert('cranes', 'cranes');
    const harbour = alert('harbour', 'harbour');
    matcher.sync([cranes, harbour, alert('oil', 'oil')]);
    expect(matcher.size).toBe(3);
    expect(matcher.match([upsert]).map((d) => d.alertId)).toEqual([cranes.id, harbour.id]);

    // harbour parked, oil deleted, port new.
    const port = alert('port', 'harbour OR port');
    matcher.sync([cranes, { ...harbour, status: 'parked' }, port]);
    expect(matcher.size).toBe(2);
    const [first, second, ...rest] = matcher.match([upsert, { kind: 'remove', id: 'gone', version: 3 }]);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ alertId: cranes.id, deliveryId: `${cranes.id}:harbour-article:2` });
    expect(second?.alertId).toBe(port.id);
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({
      type: 'article.matched',
      change: 'updated',
      article: { id: 'harbour-article', version: 2, storyId: 'harbour-article', language: 'en' },
      matchedAt: '2024-07-02T06:02:00.000Z',
    });
  });
});
