import { DEFAULT_TABLE_NAME, DynamoArticleRepository } from '@archive/store';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeDraft, startTestDynamo, type TestDynamo } from './store-helpers';

let db: TestDynamo;
let repository: DynamoArticleRepository;
let idCounter = 0;
const uniqueId = () => `article-${++idCounter}`;

beforeAll(async () => {
  db = await startTestDynamo();
});
afterAll(async () => {
  await db.close();
});
beforeEach(() => {
  repository = new DynamoArticleRepository({ doc: db.doc, tableName: DEFAULT_TABLE_NAME });
});

describe('DynamoArticleRepository', () => {
  it('creates, then reports an identical re-upload as unchanged', async () => {
    const draft = makeDraft({ id: uniqueId() });
    const first = await repository.put(draft);
    expect(first.status).toBe('created');
    if (first.status !== 'created') return;
    expect(first.article).toMatchObject({ id: draft.id, version: 1, previousHash: null });
    expect(first.article.ingestedAt).toBe(first.article.updatedAt);

    const second = await repository.put(draft);
    expect(second).toMatchObject({ status: 'unchanged', article: first.article });
    expect(await repository.get(draft.id)).toEqual(first.article);
  });

  it('updates changed content: bumps the version, keeps ingestedAt and the previous hash', async () => {
    const id = uniqueId();
    const v1 = makeDraft({ id });
    const created = await repository.put(v1);
    const v2 = makeDraft({ id, paragraphs: ['A corrected paragraph.'] });
    const updated = await repository.put(v2);
    expect(updated.status).toBe('updated');
    if (updated.status !== 'updated' || created.status !== 'created') return;
    expect(updated.article).toMatchObject({
      version: 2,
      previousHash: v1.contentHash,
      contentHash: v2.contentHash,
      paragraphs: ['A corrected paragraph.'],
      ingestedAt: created.article.ingestedAt,
    });
    expect(await repository.get(id)).toEqual(updated.article);
  });

  it('takes down to a tombstone that a replay does not resurrect, unless restore is asked', async () => {
    const draft = makeDraft({ id: uniqueId() });
    await repository.put(draft);
    const before = await repository.count();

    const takenDown = await repository.takeDown(draft.id);
    expect(takenDown).toMatchObject({ status: 'taken_down', version: 2 });
    expect(await repository.get(draft.id)).toBeNull();
    expect(await repository.count()).toBe(before - 1);
    expect(await repository.takeDown(draft.id)).toEqual({ status: 'not_found', id: draft.id });

    const replay = await repository.put(draft);
    expect(replay).toMatchObject({ status: 'taken_down', id: draft.id, version: 2 });
    expect(await repository.get(draft.id)).toBeNull();

    const restored = await repository.put(draft, { restore: true });
    expect(restored).toMatchObject({ status: 'updated', restored: true, article: { version: 3 } });
    expect(await repository.get(draft.id)).toMatchObject({ version: 3 });
    expect(await repository.count()).toBe(before);
  });

  it('reports not_found when taking down an unknown id', async () => {
    expect(await repository.takeDown('no-such-article')).toEqual({
      status: 'not_found',
      id: 'no-such-article',
    });
  });

  it('stores exactly one item for 50 concurrent uploads of the same draft', async () => {
    const draft = makeDraft({ id: uniqueId() });
    const before = await repository.count();
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => repository.put(draft)));
    const statuses = outcomes.map((o) => o.status);
    expect(statuses.filter((s) => s === 'created')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'unchanged')).toHaveLength(49);
    expect(await repository.count()).toBe(before + 1);
    expect(await repository.get(draft.id)).toMatchObject({ version: 1 });
  });

  it('scans live articles and lists them by date across months', async () => {
    const ids = [
      '2023-12-31T23:59:59Z',
      '2024-01-01T00:00:00Z',
      '2024-01-15T12:00:00Z',
      '2024-02-01T08:00:00Z',
    ].map((publishedAt, i) => ({ id: `dated-${i}`, publishedAt }));
    for (const { id, publishedAt } of ids) await repository.put(makeDraft({ id, publishedAt }));
    await repository.takeDown('dated-2');

    const newest = await repository.listByDate({ from: '2023-12-01', to: '2024-02-01T08:00:00Z', limit: 2 });
    expect(newest.articles.map((a) => a.id)).toEqual(['dated-3', 'dated-1']);
    expect(newest.nextCursor).not.toBeNull();
    const rest = await repository.listByDate({
      from: '2023-12-01',
      to: '2024-02-01T08:00:00Z',
      limit: 2,
      cursor: newest.nextCursor ?? undefined,
    });
    expect(rest.articles.map((a) => a.id)).toEqual(['dated-0']);
    expect(rest.nextCursor).toBeNull();

    const oldest = await repository.listByDate({
      from: '2024-01-01T00:00:00Z',
      to: '2024-02-29',
      order: 'oldest',
    });
    expect(oldest.articles.map((a) => a.id)).toEqual(['dated-1', 'dated-3']);

    const scanned: string[] = [];
    for await (const article of repository.scan()) scanned.push(article.id);
    expect(scanned).toContain('dated-3');
    expect(scanned).not.toContain('dated-2');
    const changes = [];
    for await (const change of repository.scanChanges()) if (change.id === 'dated-2') changes.push(change);
    expect(changes).toEqual([{ kind: 'remove', id: 'dated-2', version: 2 }]);
  });

  it('scans id/version/liveness states and batch-gets live articles', async () => {
    const ids = Array.from({ length: 130 }, (_, i) => `state-${i}`);
    await Promise.all(ids.map((id) => repository.put(makeDraft({ id }))));
    await repository.takeDown('state-7');
    const states = new Map<string, { version: number; removed: boolean }>();
    for await (const state of repository.scanStates()) states.set(state.id, state);
    expect(states.get('state-7')).toEqual({ id: 'state-7', version: 2, removed: true });
    expect(states.get('state-8')).toEqual({ id: 'state-8', version: 1, removed: false });

    const loaded = await repository.getMany([...ids, 'no-such-id', 'state-8']);
    expect(loaded).toHaveLength(129);
    expect(loaded.map((a) => a.id)).not.toContain('state-7');
  });

  it('putMany: one batched read, duplicates in a batch still store one item, per-item outcomes', async () => {
    const fresh = makeDraft({ id: uniqueId() });
    const gone = makeDraft({ id: uniqueId() });
    await repository.put(gone);
    await repository.takeDown(gone.id);
    const before = await repository.count();
    const settled = await repository.putMany([...Array(20).fill(fresh), gone]);
    const statuses = settled.map((s) => (s.status === 'fulfilled' ? s.value.status : 'rejected'));
    expect(statuses.filter((s) => s === 'created')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'unchanged')).toHaveLength(19);
    expect(statuses[20]).toBe('taken_down');
    expect(await repository.count()).toBe(before + 1);
    expect(await repository.get(fresh.id)).toMatchObject({ version: 1 });
  });
});
