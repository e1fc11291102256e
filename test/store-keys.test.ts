import { DEFAULT_KEYS_TABLE_NAME, hashIngestKey, KeyStore, KeyStoreError } from '@archive/store';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from './store-helpers';

let db: TestDynamo;
beforeAll(async () => {
  db = await startTestDynamo();
});
afterAll(async () => {
  await db.close();
});

describe('KeyStore', () => {
  it('stores only hashes; verifies, lists and revokes by hash prefix', async () => {
    const keys = new KeyStore(db.doc, DEFAULT_KEYS_TABLE_NAME);
    const { key, record } = await keys.create('newsroom');
    const other = await keys.create('wire');
    expect(record.keyHash).toBe(hashIngestKey(key));

    const { Items } = await db.doc.send(new ScanCommand({ TableName: DEFAULT_KEYS_TABLE_NAME }));
    expect(JSON.stringify(Items)).not.toContain(key);

    expect(await keys.verify(key)).toBe(true);
    expect(await keys.verify(`${key}x`)).toBe(false);
    expect(await keys.verify(undefined)).toBe(false);
    expect(await keys.verify('')).toBe(false);

    expect((await keys.list()).map((k) => k.name)).toEqual(['newsroom', 'wire']);
    await expect(keys.revoke('ab')).rejects.toThrow(KeyStoreError);
    const revoked = await keys.revoke(record.keyHash.slice(0, 10));
    expect(revoked.revokedAt).not.toBeNull();
    expect(await keys.verify(key)).toBe(false);
    expect(await keys.verify(other.key)).toBe(true);

    await expect(keys.revoke('nobody')).rejects.toThrow(/no key matches/);
    expect((await keys.revoke('wire')).revokedAt).not.toBeNull();
    expect(await keys.verify(other.key)).toBe(false);
  });
});
