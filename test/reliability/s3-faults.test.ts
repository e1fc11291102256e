import { Readable } from 'node:stream';
import type { ArticleChange } from '@archive/core';
import {
  type ChangeItem,
  Indexer,
  IndexLoader,
  loadSegmented,
  MANIFEST_KEY,
  type SegmentedIndex,
} from '@archive/search';
import { indexS3Client, S3BlobStore } from '@archive/store';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type InProcessS3, s3ErrorXml, startInProcessS3 } from '../fixtures/in-process-s3';
import { makeArticle } from '../fixtures/lifecycle-articles';

/**
 * Issue 12, "S3 errors in the indexer and loader → retried, the index served stays the previous
 * one, alarms fire", with the faults injected at the SDK level: the real S3Client (built by
 * `indexS3Client`, the factory the indexer and search functions use, so its retry settings are
 * production's: the SDK's standard mode, 3 attempts, jittered backoff) and the real S3BlobStore,
 * Indexer and IndexLoader, against a tiny in-process S3. A middleware placed below the SDK's retry
 * step and below its deserializer answers chosen requests with S3's own error documents (503
 * SlowDown, 500 InternalError), parsed by the real deserializer, or fails them as a network timeout
 * would; every retry meets the fault again until it is used up.
 *
 * "Alarms fire": the indexer function lets a failed publication throw out of its handler, which is
 * what the IndexerErrors alarm (Lambda Errors) counts and what makes the stream redeliver the batch;
 * the search function's `onError` is its 'index refresh failed' log line. Both are asserted here.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// indexS3Client takes region and credentials from the environment, as on Lambda.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const BUCKET = 'archive-index';
const PREFIX = 'index/';

let s3: InProcessS3;
let objects: InProcessS3['objects'];
let endpoint: string;

beforeAll(async () => {
  s3 = await startInProcessS3();
  objects = s3.objects;
  endpoint = s3.endpoint;
});
afterAll(async () => {
  await s3.close();
});

// ---------------------------------------------------------------------------------------------
// Fault injection in the SDK's middleware stack.

type FaultKind = 'slow-down' | 'internal-error' | 'timeout' | 'lost-response';
interface Fault {
  kind: FaultKind;
  /** SDK command name without `Command` (PutObject, GetObject, ListObjectsV2, DeleteObject). */
  command: string;
  /** Chooses requests by their key in the blob store (without the bucket prefix). */
  key: (key: string) => boolean;
  /** Attempts left to fail (Infinity: every one, a persistent fault). */
  remaining: number;
}
interface Attempt {
  command: string;
  key: string;
  fault: FaultKind | null;
}

let faults: Fault[] = [];
const attempts: Attempt[] = [];
const clients: S3Client[] = [];

function inject(kind: FaultKind, command: string, key: (key: string) => boolean, times = 1): Fault {
  const fault = { kind, command, key, remaining: times };
  faults.push(fault);
  return fault;
}

/** An S3 error answer as S3 sends it, for the SDK's deserializer to parse. */
function errorResponse(status: number, code: string) {
  return {
    response: {
      statusCode: status,
      reason: code,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'fault' },
      body: Readable.from([Buffer.from(s3ErrorXml(code))]),
    },
  };
}

/** The production client (`indexS3Client`) with the fault middleware; a fresh one per test, so the SDK's retry quota starts full. */
function faultyClient(): S3Client {
  const client = indexS3Client(endpoint);
  clients.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName?.replace(/Command$/, '') ?? '?';
      const path = decodeURIComponent((args.request as { path?: string }).path ?? '');
      const key = path.startsWith(`/${BUCKET}/${PREFIX}`)
        ? path.slice(BUCKET.length + PREFIX.length + 2)
        : '';
      const fault = faults.find((f) => f.remaining > 0 && f.command === command && f.key(key));
      attempts.push({ command, key, fault: fault?.kind ?? null });
      if (!fault) return next(args);
      fault.remaining--;
      if (fault.kind === 'lost-response') {
        // S3 applied the request, but its answer never arrived (a reset or timeout on the way back).
        await next(args);
        throw Object.assign(new Error('the request socket timed out after 1000 ms of inactivity'), {
          name: 'TimeoutError',
          code: 'ETIMEDOUT',
        });
      }
      if (fault.kind === 'timeout') {
        // What the SDK's HTTP handler throws when a socket stalls; the request never reached S3.
        throw Object.assign(new Error('the request socket timed out after 1000 ms of inactivity'), {
          name: 'TimeoutError',
          code: 'ETIMEDOUT',
        });
      }
      return (
        fault.kind === 'slow-down' ? errorResponse(503, 'SlowDown') : errorResponse(500, 'InternalError')
      ) as Awaited<ReturnType<typeof next>>;
    },
    // Below the retry middleware (finalizeRequest) and below the deserializer (deserialize, normal
    // priority): each retry meets the fault again and the answer is parsed as S3's own would be.
    { step: 'deserialize', priority: 'low', name: 'injectS3Fault' },
  );
  return client;
}

const faultyStore = () => new S3BlobStore({ client: faultyClient(), bucket: BUCKET, prefix: PREFIX });
/** A store no fault is injected into: what a fresh container, or an operator, reads. */
const cleanStore = () =>
  new S3BlobStore({ client: trackedClient(indexS3Client(endpoint)), bucket: BUCKET, prefix: PREFIX });
function trackedClient(client: S3Client): S3Client {
  clients.push(client);
  return client;
}

beforeEach(() => {
  objects.clear();
  faults = [];
  attempts.length = 0;
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

// ---------------------------------------------------------------------------------------------
// Fixtures: a handful of articles, old ones about Geneva and new ones about Zanzibar.

function article(id: string, topic: string): ArticleChange {
  const base = makeArticle(id);
  const fields = { title: `${topic} ${id}`, paragraphs: [`${topic} dispatch.`], place: 'Nairobi' };
  return { kind: 'upsert', id, version: 1, article: { ...base, ...fields } };
}
const OLD = ['old1', 'old2', 'old3'];
const NEW = ['new4', 'new5'];
let seq = 0;
const items = (changes: ArticleChange[]): ChangeItem[] =>
  changes.map((change) => ({ recordId: `seq-${++seq}`, change }));
const oldBatch = () => items(OLD.map((id) => article(id, 'Geneva talks resume')));
const newBatch = () => items(NEW.map((id) => article(id, 'Zanzibar spice harvest')));

const hits = (index: SegmentedIndex, q: string) =>
  index
    .search(q, 20)
    .map((hit) => hit.id)
    .sort();
const manifestBytes = () => objects.get(`${PREFIX}${MANIFEST_KEY}`)?.body.toString('utf8');
const manifestVersion = () => (JSON.parse(manifestBytes() ?? '{"version":0}') as { version: number }).version;
const isSegment = (key: string) => key.startsWith('segments/');
const faultsUsed = (kind: FaultKind) => attempts.filter((a) => a.fault === kind).length;

/** Publishes the old articles (version 1) with no fault. */
async function publishOld(): Promise<void> {
  const result = await new Indexer({ store: cleanStore() }).applyChangeBatch(oldBatch());
  expect(result.published?.version).toBe(1);
}

/** S3's error as the SDK surfaces it once its retries are spent. */
interface SdkError {
  name: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

describe('S3 faults injected in the SDK: the indexer (issue 12)', () => {
  it('retries transient S3 errors (503 SlowDown, 500 InternalError, a timeout) and publishes the batch', async () => {
    await publishOld();
    const indexer = new Indexer({ store: faultyStore() });
    inject('internal-error', 'GetObject', (key) => key === MANIFEST_KEY); // the first sync's read
    inject('slow-down', 'PutObject', isSegment); // the new segment
    inject('timeout', 'PutObject', (key) => key === MANIFEST_KEY); // the swap, never reaching S3
    const result = await indexer.applyChangeBatch(newBatch());
    expect(result).toMatchObject({
      applied: 2,
      batchItemFailures: [],
      published: { version: 2, attempts: 1 },
    });
    expect(faults.map((f) => f.remaining)).toEqual([0, 0, 0]); // every fault met, and each retried past
    expect(faultsUsed('internal-error') + faultsUsed('slow-down') + faultsUsed('timeout')).toBe(3);
    const manifestWrites = attempts.filter((a) => a.command === 'PutObject' && a.key === MANIFEST_KEY);
    expect(manifestWrites.map((a) => a.fault)).toEqual(['timeout', null]);

    const published = await loadSegmented(cleanStore());
    expect(published.manifest?.version).toBe(2);
    expect(hits(published.index, 'zanzibar')).toEqual(NEW);
    expect(hits(published.index, 'geneva')).toEqual(OLD);
  });

  it('a persistent S3 error on the segment writes fails the batch (for the stream to redeliver) and leaves the published index unchanged and loadable', async () => {
    await publishOld();
    const before = { manifest: manifestBytes(), keys: [...objects.keys()].sort() };
    const indexer = new Indexer({ store: faultyStore() });
    inject('internal-error', 'PutObject', isSegment, Number.POSITIVE_INFINITY);

    const failed = (await indexer.applyChangeBatch(newBatch()).catch((error: unknown) => error)) as SdkError;
    // Thrown out of the handler: a Lambda error (the IndexerErrors alarm) and the batch redelivered.
    expect(failed).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500, attempts: 3 } });
    expect(faultsUsed('internal-error')).toBeGreaterThanOrEqual(3); // retried by the SDK, then given up
    expect(manifestBytes()).toBe(before.manifest);
    expect([...objects.keys()].sort()).toEqual(before.keys); // nothing half-written left behind

    const served = await IndexLoader.open({ store: cleanStore() });
    expect(served.current()).toMatchObject({ version: 1, articleCount: OLD.length });
    expect(hits(served.current().index, 'geneva')).toEqual(OLD);
    expect(hits(served.current().index, 'zanzibar')).toEqual([]);

    // The fault clears and the stream redelivers the same records to the same (warm) indexer.
    faults = [];
    const redelivered = await indexer.applyChangeBatch(newBatch());
    expect(redelivered.published?.version).toBe(2);
    const after = await loadSegmented(cleanStore());
    expect(hits(after.index, 'zanzibar')).toEqual(NEW);
    expect(hits(after.index, 'geneva')).toEqual(OLD);
  });

  it('a persistent timeout on the manifest swap fails the batch and leaves the published index unchanged and loadable', async () => {
    await publishOld();
    const before = manifestBytes();
    const indexer = new Indexer({ store: faultyStore() });
    inject('timeout', 'PutObject', (key) => key === MANIFEST_KEY, Number.POSITIVE_INFINITY);

    const failed = (await indexer.applyChangeBatch(newBatch()).catch((error: unknown) => error)) as SdkError;
    expect(failed).toMatchObject({ name: 'TimeoutError' });
    expect(faultsUsed('timeout')).toBe(3); // the SDK's 3 attempts, each timed out
    expect(manifestBytes()).toBe(before);
    expect(manifestVersion()).toBe(1);

    const served = await IndexLoader.open({ store: cleanStore() });
    expect(served.current()).toMatchObject({ version: 1, articleCount: OLD.length });
    expect(hits(served.current().index, 'geneva')).toEqual(OLD);

    faults = [];
    expect((await indexer.applyChangeBatch(newBatch())).published?.version).toBe(2);
    expect(hits((await loadSegmented(cleanStore())).index, 'zanzibar')).toEqual(NEW);
  });
});

/** A search function's loader over the faulty client, with the errors its refreshes report. */
async function openLoader(): Promise<{ loader: IndexLoader; errors: unknown[] }> {
  const errors: unknown[] = [];
  const loader = await IndexLoader.open({
    store: faultyStore(),
    refreshIntervalMs: 0,
    onError: (e) => errors.push(e),
  });
  return { loader, errors };
}

describe('S3 faults injected in the SDK: the search function’s IndexLoader (issue 12)', () => {
  it('retries a transient 503 SlowDown on the manifest check and follows the new publication', async () => {
    await publishOld();
    const { loader, errors } = await openLoader();
    await new Indexer({ store: cleanStore() }).applyChangeBatch(newBatch());
    inject('slow-down', 'GetObject', (key) => key === MANIFEST_KEY);

    expect(await loader.refresh()).toBe(true);
    expect(errors).toEqual([]);
    expect(faultsUsed('slow-down')).toBe(1);
    expect(loader.current().version).toBe(2);
    expect(hits(loader.current().index, 'zanzibar')).toEqual(NEW);
  });

  for (const where of ['manifest', 'segments'] as const) {
    it(`a persistent S3 error reading the ${where} keeps the previous index served, reports it, and a later refresh picks up the publication`, async () => {
      await publishOld();
      const { loader, errors } = await openLoader();
      const served = loader.current();
      await new Indexer({ store: cleanStore() }).applyChangeBatch(newBatch());
      if (where === 'manifest')
        inject('slow-down', 'GetObject', (key) => key === MANIFEST_KEY, Number.POSITIVE_INFINITY);
      else inject('internal-error', 'GetObject', isSegment, Number.POSITIVE_INFINITY);

      expect(await loader.refresh()).toBe(false);
      // Reported (the search function logs 'index refresh failed'), after the SDK's retries.
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject(
        where === 'manifest'
          ? { name: 'SlowDown', $metadata: { httpStatusCode: 503, attempts: 3 } }
          : { name: 'InternalError', $metadata: { httpStatusCode: 500, attempts: 3 } },
      );
      // Search still answers, from the previous publication, unchanged.
      expect(loader.current()).toBe(served);
      expect(loader.current()).toMatchObject({ version: 1, articleCount: OLD.length });
      expect(hits(loader.current().index, 'geneva')).toEqual(OLD);
      expect(hits(loader.current().index, 'zanzibar')).toEqual([]);

      faults = [];
      expect(await loader.refresh()).toBe(true);
      expect(loader.current()).toMatchObject({ version: 2, articleCount: OLD.length + NEW.length });
      expect(hits(loader.current().index, 'zanzibar')).toEqual(NEW);
      expect(hits(loader.current().index, 'geneva')).toEqual(OLD);
      expect(errors).toHaveLength(1);
    });
  }
});

/**
 * A manifest swap whose answer is lost: S3 applied the conditional PUT, the SDK retries it, S3
 * answers 412 (the manifest's tag has moved, to our own write) and `S3BlobStore.writeIfMatch`
 * reports a conflict. `writePublication` then deleted the state and segments it "failed" to
 * publish, which the manifest named: every later load failed (SegmentMissingError) until a manual
 * rollback. Found writing these tests; the swap now checks a conflict against the manifest as it is
 * (segment-store.ts's swapManifest).
 */
describe('S3 faults injected in the SDK: a lost answer to the manifest swap (issue 12)', () => {
  it('a manifest swap applied by S3 whose answer is lost is recognised as ours: the index stays loadable', async () => {
    await publishOld();
    const indexer = new Indexer({ store: faultyStore() });
    inject('lost-response', 'PutObject', (key) => key === MANIFEST_KEY);
    // The swap happened: the batch is published, not failed and not undone.
    await indexer.applyChangeBatch(newBatch());
    expect(faultsUsed('lost-response')).toBe(1);
    const loaded = await loadSegmented(cleanStore());
    expect(hits(loaded.index, 'geneva')).toEqual(OLD);
    expect(hits(loaded.index, 'zanzibar')).toEqual(NEW);
    faults = [];
    await indexer.applyChangeBatch(newBatch());
    expect(hits((await loadSegmented(cleanStore())).index, 'zanzibar')).toEqual(NEW);
  });
});
