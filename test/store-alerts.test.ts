import { type AlertRecord, type DynamoAlertStore, newAlertRecord } from '@archive/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertsDynamo, type TestDynamo } from './store-helpers';

let db: TestDynamo;
let alerts: DynamoAlertStore;
beforeAll(async () => {
  ({ db, alerts } = await startAlertsDynamo());
});
afterAll(async () => {
  await db.close();
});

function newAlert(overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    ...newAlertRecord({
      query: { q: 'geneva talks', place: 'Jerusalem', tags: ['politics'] },
      webhookUrl: 'https://example.org/hook',
    }),
    ...overrides,
  };
}

describe('DynamoAlertStore', () => {
  it('creates once per id, reads back, lists in creation order and deletes', async () => {
    const first = newAlert({ createdAt: '2024-01-01T00:00:00.000Z', query: { q: 'oil', from: undefined } });
    const second = newAlert({ createdAt: '2024-01-02T00:00:00.000Z' });
    expect(await alerts.create(first)).toBe(true);
    expect(await alerts.create(second)).toBe(true);
    expect(await alerts.create({ ...first, webhookUrl: 'https://other.example/' })).toBe(false);

    expect(await alerts.get(second.id)).toEqual(second);
    // Undefined filters are not stored.
    expect(await alerts.get(first.id)).toEqual({ ...first, query: { q: 'oil' } });
    expect((await alerts.list()).map((a) => a.id)).toEqual([first.id, second.id]);

    expect(await alerts.delete(first.id)).toBe(true);
    expect(await alerts.delete(first.id)).toBe(false);
    expect(await alerts.get(first.id)).toBeNull();
    await alerts.delete(second.id);
  });

  it('counts failures until a delivery succeeds, and parks with the reason', async () => {
    const alert = newAlert();
    await alerts.create(alert);
    await alerts.recordFailure(alert.id, '2024-01-01T00:00:01.000Z', 'HTTP 500');
    await alerts.recordFailure(alert.id, '2024-01-01T00:00:02.000Z', 'timed out after 5000 ms');
    expect(await alerts.get(alert.id)).toMatchObject({
      failures: 2,
      lastFailure: { at: '2024-01-01T00:00:02.000Z', reason: 'timed out after 5000 ms' },
    });
    await alerts.recordDelivery(alert.id, '2024-01-01T00:00:03.000Z');
    expect(await alerts.get(alert.id)).toMatchObject({
      failures: 0,
      deliveries: 1,
      lastDeliveryAt: '2024-01-01T00:00:03.000Z',
    });
    await alerts.park(alert.id, '2024-01-01T00:00:04.000Z', 'HTTP 503 on 5 attempts');
    expect(await alerts.get(alert.id)).toMatchObject({
      status: 'parked',
      parkedReason: 'HTTP 503 on 5 attempts',
    });
  });

  it('drops outcome updates of an alert deleted meanwhile', async () => {
    const alert = newAlert();
    await alerts.create(alert);
    await alerts.delete(alert.id);
    await alerts.recordFailure(alert.id, '2024-01-01T00:00:01.000Z', 'HTTP 500');
    await alerts.park(alert.id, '2024-01-01T00:00:01.000Z', 'gone');
    expect(await alerts.get(alert.id)).toBeNull();
  });
});
