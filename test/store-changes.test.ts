import {
  buildChangeRecord,
  DEFAULT_CHANGE_LOG_TABLE_NAME,
  DEFAULT_KEYS_TABLE_NAME,
  DEFAULT_TABLE_NAME,
  DynamoArticleRepository,
  decodeChangeRecord,
  ensureTables,
  PoisonRecordError,
} from '@archive/store';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDraft, startTestDynamo, type TestDynamo } from './store-helpers';

let db: TestDynamo;
beforeAll(async () => {
  db = await startTestDynamo();
});
afterAll(async () => {
  await db.close();
});

describe('change records', () => {
  it('emits a stream-shaped record per committed write, decodable into ArticleChange', async () => {
    const records: DynamoDBRecord[] = [];
    const repository = new DynamoArticleRepository({
      doc: db.doc,
      tableName: DEFAULT_TABLE_NAME,
      changeSink: async (batch) => {
        records.push(...batch);
      },
    });
    const draft = makeDraft({ id: 'changes-1' });
    await repository.put(draft);
    await repository.put(draft); // unchanged: no write, no record
    await repository.put(makeDraft({ id: 'changes-1', title: 'A new title' }));
    await repository.takeDown('changes-1');
    await repository.put(draft); // refused replay of a taken-down article: no record
    await repository.put(draft, { restore: true });

    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'MODIFY', 'MODIFY']);
    for (const record of records) {
      expect(record.eventSource).toBe('aws:dynamodb');
      expect(record.dynamodb?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
      expect(record.dynamodb?.Keys).toEqual({ id: { S: 'changes-1' } });
      expect(typeof record.dynamodb?.ApproximateCreationDateTime).toBe('number');
    }
    const sequence = records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'));
    expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
    expect(records[0]?.dynamodb?.OldImage).toBeUndefined();
    expect(records[1]?.dynamodb?.OldImage?.version).toEqual({ N: '1' });
    expect(records[1]?.dynamodb?.NewImage?.version).toEqual({ N: '2' });

    const changes = records.map(decodeChangeRecord);
    expect(changes.map((c) => [c.kind, c.version])).toEqual([
      ['upsert', 1],
      ['upsert', 2],
      ['remove', 3],
      ['upsert', 4],
    ]);
    const restored = changes[3];
    expect(restored?.kind === 'upsert' ? restored.article : null).toEqual(await repository.get('changes-1'));
    expect(changes[1]).toMatchObject({ kind: 'upsert', article: { title: 'A new title', version: 2 } });
  });

  it('logs every write in the change log, findable by "changed since T" without a scan (issue 10)', async () => {
    await ensureTables(db.client, {
      tableName: DEFAULT_TABLE_NAME,
      keysTableName: DEFAULT_KEYS_TABLE_NAME,
      changeLogTableName: DEFAULT_CHANGE_LOG_TABLE_NAME,
    });
    let clock = Date.parse('2026-03-01T23:59:58.000Z');
    const repository = new DynamoArticleRepository({
      doc: db.doc,
      tableName: DEFAULT_TABLE_NAME,
      changeLogTableName: DEFAULT_CHANGE_LOG_TABLE_NAME,
      now: () => {
        clock += 1000;
        return new Date(clock);
      },
    });
    const log = repository.changeLog;
    if (!log) throw new Error('no change log');
    const draft = makeDraft({ id: 'logged-1' });
    await repository.put(draft); // 23:59:59
    await repository.put(draft); // unchanged: nothing written, nothing logged
    await repository.put(makeDraft({ id: 'logged-1', title: 'Retitled' })); // next day, 00:00:01
    await repository.takeDown('logged-1');
    await repository.put(makeDraft({ id: 'logged-2' }));

    const all = [];
    for await (const entry of log.since('2026-03-01T00:00:00.000Z')) all.push(entry);
    expect(all.map((e) => [e.id, e.version, e.removed])).toEqual([
      ['logged-1', 1, false],
      ['logged-1', 2, false],
      ['logged-1', 3, true],
      ['logged-2', 1, false],
    ]);
    const stored = await repository.readCurrent(['logged-1', 'logged-2', 'unknown']);
    expect(stored.live.map((a) => [a.id, a.updatedAt])).toEqual([['logged-2', all[3]?.at]]);
    expect(stored.removed).toEqual([{ id: 'logged-1', version: 3, removed: true }]);

    const later = [];
    for await (const entry of log.since(all[2]?.at as string)) later.push(entry.id);
    expect(later).toEqual(['logged-1', 'logged-2']);
    // The epoch is made once and kept by every reader of the same table.
    const epoch = await log.epoch();
    const again = new DynamoArticleRepository({
      doc: db.doc,
      tableName: DEFAULT_TABLE_NAME,
      changeLogTableName: DEFAULT_CHANGE_LOG_TABLE_NAME,
    });
    expect(await again.changeLog?.epoch()).toBe(epoch);
  });

  it('never fails a committed write because the sink failed', async () => {
    const errors: unknown[] = [];
    const repository = new DynamoArticleRepository({
      doc: db.doc,
      tableName: DEFAULT_TABLE_NAME,
      changeSink: async () => {
        throw new Error('indexer down');
      },
      onChangeSinkError: (error) => errors.push(error),
    });
    const outcome = await repository.put(makeDraft({ id: 'changes-2' }));
    expect(outcome.status).toBe('created');
    expect(errors).toHaveLength(1);
    expect(await repository.get('changes-2')).not.toBeNull();
  });

  it('decodes REMOVE to a remove above the old version', () => {
    const old = {
      ...makeDraft({ id: 'gone' }),
      version: 3,
      previousHash: null,
      ingestedAt: 'x',
      updatedAt: 'y',
    };
    const record = buildChangeRecord(DEFAULT_TABLE_NAME, old, null);
    expect(record.eventName).toBe('REMOVE');
    expect(decodeChangeRecord(record)).toEqual({ kind: 'remove', id: 'gone', version: 4 });
  });

  it('throws PoisonRecordError on undecodable records', () => {
    const poison: DynamoDBRecord[] = [
      { eventID: 'e1', eventName: 'INSERT', dynamodb: { Keys: { id: { S: 'x' } } } },
      {
        eventID: 'e2',
        eventName: 'MODIFY',
        dynamodb: { NewImage: { id: { S: 'x' }, version: { S: 'one' } } },
      },
      { eventID: 'e3', dynamodb: { NewImage: { id: { S: 'x' } } } },
      { eventID: 'e4', eventName: 'REMOVE', dynamodb: {} },
    ];
    for (const record of poison) {
      expect(() => decodeChangeRecord(record)).toThrow(PoisonRecordError);
    }
    try {
      decodeChangeRecord(poison[1] as DynamoDBRecord);
    } catch (error) {
      expect(error).toMatchObject({ eventID: 'e2' });
    }
  });
});
