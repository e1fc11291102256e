import { type InvokeEndpoint, type InvokeFault, startInvokeEndpoint } from '@archive/local';
import { LambdaPartitionTransport, partitionLambdaClient } from '@archive/store';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveIndex } from '../documents/archive-index';
import { suggest } from '../query/suggest';
import {
  allPagesAsync,
  allPages as allPagesSync,
  build,
  corpus,
  oracle,
  query,
  request,
  word,
} from '../testing/exactness-arbitraries';
import { runSearch } from '../testing/reference-search';
import { PartitionService } from './partition-service';
import type { PartitionedIndex } from './partitioned-index';
import { RemotePartitionHost } from './remote-host';
import { RemoteSearch } from './remote-search';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

/**
 * Partitions served by "partition functions" behind an endpoint that speaks the Lambda Invoke API,
 * reached through the AWS SDK's real LambdaClient: the coordinator answers as one index over the
 * archive, through every page; a function that fails makes the answer incomplete, never wrong.
 * (The bundled partition handler is exercised the same way in infra/partition-pipeline.test.ts.)
 */

const FUNCTIONS = ['archive-partition-0', 'archive-partition-1'];
let services: PartitionService[] = [];
let faults: (name: string) => InvokeFault | undefined = () => undefined;
let endpoint: InvokeEndpoint;

beforeAll(async () => {
  endpoint = await startInvokeEndpoint(
    new Map(FUNCTIONS.map((name, i) => [name, async (event: unknown) => services[i]?.answer(event)])),
    { fault: (name) => faults(name) },
  );
});
afterAll(async () => {
  await endpoint?.close();
});

/** Spreads the partitions of `index` over the functions, alternately in key order. */
function serve(index: PartitionedIndex): void {
  const shares = FUNCTIONS.map(() => new Map<string, ArchiveIndex>());
  index.partitionKeys().forEach((key, i) => {
    shares[i % shares.length]?.set(key, index.partition(key) as ArchiveIndex);
  });
  services = shares.map((share) => new PartitionService(share));
}

async function coordinator(attemptTimeoutMs = 2000): Promise<RemoteSearch> {
  const client = partitionLambdaClient({ endpoint: endpoint.url, attemptTimeoutMs, maxAttempts: 3 });
  return RemoteSearch.open(
    FUNCTIONS.map(
      (name) =>
        new RemotePartitionHost(
          name,
          new LambdaPartitionTransport({ client, functionName: name, callTimeoutMs: attemptTimeoutMs * 2 }),
        ),
    ),
  );
}

describe('partitions on partition functions, through LambdaClient', () => {
  it('answer as one index over the same articles, for random corpora and requests, through every page', async () => {
    let withHits = 0;
    let multiPage = 0;
    await fc.assert(
      fc.asyncProperty(corpus, request, async (articles, req) => {
        const { single, partitioned } = build(articles);
        serve(partitioned);
        const search = await coordinator();
        const expected = allPagesSync(oracle(single), req);
        expect(await allPagesAsync(search, req)).toEqual(expected);
        // Asked again: answered from cached statistics, still the same.
        expect(await allPagesAsync(search, req)).toEqual(expected);
        if ((expected[0]?.total ?? 0) > 0) withHits++;
        if (expected.length > 1) multiPage++;
      }),
      { numRuns: 30 },
    );
    // Sanity checks that the generators reach the interesting cases at all (not rates: with 30
    // random runs a rate threshold fails by chance).
    expect(withHits).toBeGreaterThan(4);
    expect(multiPage).toBeGreaterThan(0);
  }, 120_000);

  it('give the same suggestions and spelling fixes', async () => {
    await fc.assert(
      fc.asyncProperty(corpus, word, query, async (articles, w, q) => {
        const { single, partitioned } = build(articles);
        serve(partitioned);
        const search = await coordinator();
        expect(await search.suggest(w.slice(0, 2))).toEqual(suggest(single, w.slice(0, 2)));
        const typo = `${w.slice(0, -1)}x`;
        expect((await search.query({ q: typo })).didYouMean).toEqual(
          runSearch(single, { q: typo }).didYouMean,
        );
        expect({ ...(await search.query({ q })), tookMs: 0 }).toEqual({
          ...partitioned.query({ q }),
          tookMs: 0,
        });
      }),
      { numRuns: 20 },
    );
  }, 60_000);

  it('cost two round trips per function for new words and one for words seen', async () => {
    const [articles] = fc.sample(corpus, { numRuns: 1, seed: 7 });
    const { partitioned } = build(articles ?? []);
    serve(partitioned);
    const search = await coordinator();
    const cold = search.invocations;
    await search.query({ q: 'geneva', sort: 'newest' });
    // New words: the statistics round, then the word counts with the search folded in.
    expect(search.invocations - cold).toBe(2 * FUNCTIONS.length);
    const before = search.invocations;
    await search.query({ q: 'geneva', sort: 'newest' });
    expect(search.invocations - before).toBe(FUNCTIONS.length);
    await search.query({ q: 'geneva talks' });
    const warm = search.invocations;
    await search.query({ q: 'geneva talks' });
    // Relevance with a word pair: the bonuses and snippets come with the search round.
    expect(search.invocations - warm).toBe(FUNCTIONS.length);
  });
});

describe('a partition function that cannot answer', () => {
  const { partitioned } = build(fc.sample(corpus, { numRuns: 1, seed: 11 })[0] ?? []);
  const q = { q: 'geneva OR peace OR border OR market' };

  it('is retried when throttled, and the answer is complete', async () => {
    serve(partitioned);
    const search = await coordinator();
    let throttled = 0;
    faults = (name) => (name === FUNCTIONS[1] && throttled++ < 1 ? { kind: 'throttle' } : undefined);
    try {
      const answer = await search.query(q);
      expect(throttled).toBeGreaterThan(1);
      expect(answer.incomplete).toBeUndefined();
      expect(answer.total).toBe(partitioned.query(q).total);
    } finally {
      faults = () => undefined;
    }
  });

  it('timing out or failing makes the answer incomplete, naming the time ranges not searched', async () => {
    serve(partitioned);
    const search = await coordinator(300);
    const held = services[1]?.describe() ?? [];
    expect(held.length).toBeGreaterThan(0);
    for (const fault of [
      { kind: 'hang' },
      { kind: 'throttle' },
      { kind: 'fail', message: 'boom' },
    ] as const) {
      faults = (name) => (name === FUNCTIONS[1] ? fault : undefined);
      try {
        const answer = await search.query(q);
        expect(
          answer.incomplete?.missing.map((m) => m.partition),
          fault.kind,
        ).toEqual(held.map((p) => p.key));
        for (const m of answer.incomplete?.missing ?? []) expect(m.from && m.to && m.from <= m.to).toBe(true);
        const served = (services[0]?.describe() ?? []).map((p) => p.key);
        // The total is that of the partitions that answered, not the archive's.
        let servedTotal = 0;
        for (const key of served) {
          const part = partitioned.partition(key);
          if (part) servedTotal += runSearch(part, q).total;
        }
        expect(answer.total).toBe(servedTotal);
        expect(answer.total).toBeLessThan(partitioned.query(q).total);
        expect(answer.results.every((hit) => served.includes(hit.publishedAt.slice(0, 7)))).toBe(true);
      } finally {
        faults = () => undefined;
      }
    }
    // Once it answers again, so is the answer complete.
    expect((await search.query(q)).incomplete).toBeUndefined();
  });

  it('a partition of the published layout that no function holds makes the answer incomplete', async () => {
    // A hand-over caught in its gap: the layout both functions loaded names every partition, but
    // the one moving is held by neither (its former owner's instance started cold with its new share).
    const keys = partitioned.partitionKeys();
    const moving = keys[keys.length - 1] as string;
    const layout = {
      version: 7,
      partitions: keys.map((key) => {
        const range = partitioned.partition(key)?.timeRange();
        return { id: key, firstMs: range?.firstMs ?? null, lastMs: range?.lastMs ?? null };
      }),
    };
    /** Alternate partitions on each function, each labelled as its own index partition. */
    const serveLayout = (version: string, held: (key: string) => boolean) => {
      services = FUNCTIONS.map((_, f) => {
        const share = new Map<string, ArchiveIndex>();
        keys.forEach((key, i) => {
          if (held(key) && i % FUNCTIONS.length === f)
            share.set(key, partitioned.partition(key) as ArchiveIndex);
        });
        const labels = new Map(
          [...share.keys()].map((key) => [key, { version, draining: false, partition: key }]),
        );
        return new PartitionService(share, labels, layout);
      });
    };
    serveLayout('v', (key) => key !== moving);
    const search = await coordinator();
    const answer = await search.query(q);
    expect(answer.incomplete?.missing.map((m) => m.partition)).toEqual([moving]);
    expect(answer.incomplete?.unreachable).toEqual([]);
    const others = keys.filter((key) => key !== moving);
    let servedTotal = 0;
    for (const key of others) servedTotal += runSearch(partitioned.partition(key) as ArchiveIndex, q).total;
    expect(answer.total).toBe(servedTotal);
    // Held again (the new owner loaded it): complete.
    serveLayout('w', () => true);
    expect((await (await coordinator()).query(q)).incomplete).toBeUndefined();
  });
});
