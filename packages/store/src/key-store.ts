import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/**
 * What a key may do. `ingest`: everything a write route does (upload dispatches, take articles
 * down) and manage alerts; `alerts`: manage alerts only (`/alerts`), nothing else.
 */
export const KEY_SCOPES = ['ingest', 'alerts'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** Whether a key holding `scopes` may use a route that needs `needed` (an ingest key may do all). */
export function scopesAllow(scopes: readonly string[], needed: KeyScope): boolean {
  return scopes.includes('ingest') || scopes.includes(needed);
}

/** A key's scopes as stored; keys created before scopes existed (no attribute) are ingest keys. */
export function storedScopes(value: unknown): KeyScope[] {
  if (!Array.isArray(value) && !(value instanceof Set)) return ['ingest'];
  return [...value].filter((s): s is KeyScope => (KEY_SCOPES as readonly unknown[]).includes(s));
}

/** What the keys table holds about a key: its hash, never the key. */
export interface IngestKeyRecord {
  /** Hex SHA-256 of the key. */
  keyHash: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  scopes: KeyScope[];
}

export class KeyStoreError extends Error {
  override readonly name = 'KeyStoreError';
}

const KEY_PREFIX = 'dak_';
const MIN_REVOKE_PREFIX = 6;

/** Hex SHA-256 of an ingest key (what the table stores and looks up by). */
export function hashIngestKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random ingest key: `dak_` + 32 random bytes, base64url. */
export function generateIngestKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two hex SHA-256 digests. */
export function sameKeyHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}

/**
 * Ingest keys in the keys table (`ARCHIVE_KEYS_TABLE_NAME`), stored only as SHA-256 hashes.
 *
 * Lookup is by hash, so an attacker timing the lookup learns about hashes of their own guesses
 * only, which says nothing about valid keys; the final comparison is still constant time.
 */
export class KeyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a key (an ingest key unless `scopes` say otherwise); the plaintext is returned here once and never stored. */
  async create(
    name: string,
    scopes: readonly KeyScope[] = ['ingest'],
  ): Promise<{ key: string; record: IngestKeyRecord }> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100) throw new KeyStoreError('a key name is 1 to 100 characters');
    const unknown = scopes.filter((s) => !(KEY_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new KeyStoreError(`a key's scopes are one or more of ${KEY_SCOPES.join(', ')}`);
    }
    const key = generateIngestKey();
    const record: IngestKeyRecord = {
      keyHash: hashIngestKey(key),
      name: trimmed,
      createdAt: this.now().toISOString(),
      revokedAt: null,
      scopes: [...new Set(scopes)],
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(keyHash)',
      }),
    );
    return { key, record };
  }

  /**
   * Revokes one key, chosen by the first characters of its hash (at least 6 hex characters, as
   * `list` shows them) or by its exact name when that names exactly one active key.
   */
  async revoke(selector: string): Promise<IngestKeyRecord> {
    const wanted = selector.trim();
    const prefix = wanted.toLowerCase();
    const keys = await this.list();
    const byHash =
      /^[0-9a-f]+$/.test(prefix) && prefix.length >= MIN_REVOKE_PREFIX
        ? keys.filter((k) => k.keyHash.startsWith(prefix))
        : [];
    const matches = byHash.length > 0 ? byHash : keys.filter((k) => k.name === wanted && !k.revokedAt);
    if (matches.length === 0) {
      throw new KeyStoreError(
        `no key matches "${wanted}": give its name or at least ${MIN_REVOKE_PREFIX} hex characters of its hash`,
      );
    }
    if (matches.length > 1) {
      const hashes = matches.map((k) => k.keyHash.slice(0, 12)).join(', ');
      throw new KeyStoreError(
        `${matches.length} keys match "${wanted}" (${hashes}); give a longer hash prefix`,
      );
    }
    const match = matches[0] as IngestKeyRecord;
    if (match.revokedAt) return match;
    const revokedAt = this.now().toISOString();
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { keyHash: match.keyHash },
        UpdateExpression: 'SET revokedAt = :at',
        ExpressionAttributeValues: { ':at': revokedAt },
        ConditionExpression: 'attribute_exists(keyHash)',
      }),
    );
    return { ...match, revokedAt };
  }

  /** All keys (hashes and names), oldest first. */
  async list(): Promise<IngestKeyRecord[]> {
    const records: IngestKeyRecord[] = [];
    for await (const page of paginateScan({ client: this.doc }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) {
        records.push({
          keyHash: String(item.keyHash),
          name: String(item.name ?? ''),
          createdAt: String(item.createdAt ?? ''),
          revokedAt: typeof item.revokedAt === 'string' ? item.revokedAt : null,
          scopes: storedScopes(item.scopes),
        });
      }
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** True when `key` is a known, unrevoked key whose scopes allow `needed`. */
  async verify(key: string | undefined, needed: KeyScope = 'ingest'): Promise<boolean> {
    if (!key || key.length > 200) return false;
    const keyHash = hashIngestKey(key);
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { keyHash }, ConsistentRead: true }),
    );
    if (!Item || typeof Item.keyHash !== 'string' || typeof Item.revokedAt === 'string') return false;
    return sameKeyHash(Item.keyHash, keyHash) && scopesAllow(storedScopes(Item.scopes), needed);
  }
}
