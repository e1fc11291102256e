import { createHash } from 'node:crypto';
import type { ArticleDraft } from '@archive/core';
import { CONTENT_FIELDS } from '@archive/core';
import {
  createDynamoClients,
  DEFAULT_ALERT_TABLE_NAME,
  DEFAULT_KEYS_TABLE_NAME,
  DEFAULT_TABLE_NAME,
  DynamoAlertStore,
  type DynamoClients,
  ensureTables,
  type LocalDynamo,
  startLocalDynamo,
} from '@archive/store';

// The SDK's Node-version notice is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A draft built directly (tests of the store do not depend on the parser). */
export function makeDraft(overrides: Partial<ArticleDraft> = {}): ArticleDraft {
  const base: Omit<ArticleDraft, 'contentHash'> = {
    id: 'a-test-article',
    title: 'Syria Opposition Discuss US-Russia Peace Initiative',
    paragraphs: ['First paragraph.', 'Second paragraph.'],
    caption: null,
    publishedAt: '2024-11-27T20:30:00Z',
    localTime: '2024-11-27T22:30:00+02:00',
    timeZone: 'Asia/Jerusalem',
    place: 'Jerusalem',
    language: 'en',
    source: null,
    url: null,
    tags: [],
    ...overrides,
  };
  const content = Object.fromEntries(CONTENT_FIELDS.map((field) => [field, base[field]]));
  const contentHash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  return { ...base, contentHash, ...(overrides.contentHash ? { contentHash: overrides.contentHash } : {}) };
}

export interface TestDynamo extends DynamoClients {
  dynamo: LocalDynamo;
  close(): Promise<void>;
}

/** In-memory dynalite with both tables, and SDK clients pointed at it. */
export async function startTestDynamo(dataDir?: string): Promise<TestDynamo> {
  const dynamo = await startLocalDynamo(dataDir ? { dataDir } : {});
  const clients = createDynamoClients({ endpoint: dynamo.endpoint });
  await ensureTables(clients.client, {
    tableName: DEFAULT_TABLE_NAME,
    keysTableName: DEFAULT_KEYS_TABLE_NAME,
  });
  return {
    ...clients,
    dynamo,
    async close() {
      clients.client.destroy();
      await dynamo.close();
    },
  };
}

/** {@link startTestDynamo} with the alert table too, and an alert store over it. */
export async function startAlertsDynamo(): Promise<{ db: TestDynamo; alerts: DynamoAlertStore }> {
  const db = await startTestDynamo();
  await ensureTables(db.client, {
    tableName: DEFAULT_TABLE_NAME,
    keysTableName: DEFAULT_KEYS_TABLE_NAME,
    alertTableName: DEFAULT_ALERT_TABLE_NAME,
  });
  return { db, alerts: new DynamoAlertStore(db.doc, DEFAULT_ALERT_TABLE_NAME) };
}
