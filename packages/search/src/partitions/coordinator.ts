import { encodeCursor, fingerprint } from '../documents/cursor';
import { decideWords, describeReading, spellingTargets, type WordsDecision } from '../documents/plain-words';
import { histogramOf } from '../documents/search';
import type { SearchHit, SearchRequest, SearchResponse } from '../documents/search-types';
import { ANALYZER } from '../minisearch/index-definition';
import type { QueryMode } from '../query/ast';
import type { Plan } from '../query/plan';
import { addWordCounts, chooseWords, type QueryWord, type WordCounts } from '../query/relax';
import { normaliseRequest } from '../query/search-request';
import type { SuggestResponse } from '../query/suggest';
import { expandQuery, FEEDBACK_DOCS } from '../ranking/feedback';
import { sequenceTerms } from '../ranking/proximity';
import { selectTop } from '../ranking/top-k';
import { cursorKeyOf, type MergedHit, mergeDays, mergeFacets, mergePages, rerankSet } from './merge';
import { dictionaryOf } from './partition-engine';
import type {
  FeedbackCandidate,
  GlobalTerms,
  PartitionHost,
  PartitionInfo,
  PartitionQuery,
  PartitionResult,
  SyncPartitionHost,
  TermLookup,
} from './protocol';
import { archiveTerms, type Placement, type Steps } from './rounds';
import { didYouMeanSteps, suggestSteps } from './suggest-steps';

/**
 * The search coordinator: one request over time partitions, answered exactly as `query` on a
 * single index over the whole archive would answer it (protocol.ts describes the rounds).
 *
 * The coordination is written once, as a generator that yields rounds (a method to call on the
 * hosts of some partitions) and receives their answers, and is driven either synchronously (the
 * partitions of this thread: {@link searchSync}) or asynchronously (worker threads:
 * {@link PartitionedSearch}).
 */

/** The lookups a plan needs (round 1): every exact term, every typed prefix, every fuzzy word. */
export function termLookup(plan: Plan | null, extraTerms: Iterable<string> = []): TermLookup {
  const lookup: TermLookup = { terms: [...extraTerms], prefixes: [], fuzzy: [] };
  const walk = (node: Plan): void => {
    switch (node.kind) {
      case 'term':
        lookup.terms.push(node.term);
        if (node.fuzzy > 0 && node.word !== undefined)
          lookup.fuzzy.push({ word: node.word, distance: node.fuzzy });
        return;
      case 'prefix':
        lookup.prefixes.push(node.prefix);
        return;
      case 'phrase':
        lookup.terms.push(...node.terms);
        return;
      case 'or':
        node.children.forEach(walk);
        return;
      case 'words':
        for (const word of node.words) lookup.terms.push(word.term);
        node.negated.forEach(walk);
        return;
      case 'and':
        node.children.forEach(walk);
        node.negated.forEach(walk);
        return;
    }
  };
  if (plan) walk(plan);
  lookup.terms = [...new Set(lookup.terms)];
  lookup.prefixes = [...new Set(lookup.prefixes)];
  return lookup;
}

/** Identifies the content answered from: every partition's key and version. */
export function combinedVersion(placements: readonly Placement[]): string {
  return fingerprint(placements.map((p) => [p.info.key, p.info.version]));
}

/** Natural mode: RM3 weights from the archive's best first-pass hits (feedback.ts). */
function* feedbackWeights(
  targets: readonly Placement[],
  query: PartitionQuery,
  plan: Plan,
): Steps<Map<string, number> | null> {
  const terms = query.words ? query.words.choice.searched : sequenceTerms(plan);
  if (terms.length === 0 || targets.length === 0) return null;
  const found = (
    (yield {
      method: 'feedback',
      placements: targets,
      args: (keys) => [keys, query, FEEDBACK_DOCS],
    }) as FeedbackCandidate[][]
  ).flat();
  if (found.length === 0) return null;
  const top = selectTop(
    found,
    FEEDBACK_DOCS,
    (a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return expandQuery(terms, top, ANALYZER);
}

/**
 * Plain words: which to search (archive-wide frequencies) and, in the default mode, whether the
 * answer is relaxed, from the archive's counts of articles holding all or some of them (query/relax.ts).
 */
function* wordsDecision(
  targets: readonly Placement[],
  query: PartitionQuery,
  words: readonly QueryWord[],
  mode: QueryMode,
): Steps<WordsDecision> {
  const dictionary = dictionaryOf(query.global);
  const choice = chooseWords(words, dictionary.documentFrequency, query.global.documentCount);
  if (mode !== 'auto' || targets.length === 0) return decideWords(choice, mode, null);
  const counts = (
    (yield {
      method: 'wordCounts',
      placements: targets,
      args: (keys) => [keys, { ...query, words: decideWords(choice, mode, null) }],
    }) as WordCounts[]
  ).reduce(addWordCounts, { all: 0, any: 0 });
  return decideWords(choice, mode, counts);
}

/** The proximity bonus of the archive's best hits, from the partitions that hold them. */
function* proximityBonuses(
  placements: readonly Placement[],
  reranked: readonly MergedHit[],
  query: PartitionQuery,
): Steps<Map<string, number>> {
  const byKey = groupBy(
    reranked,
    (hit) => hit.key,
    (hit) => hit.id,
  );
  const answers = (yield {
    method: 'bonuses',
    placements: placements.filter((p) => byKey.has(p.info.key)),
    args: (keys) => [keys.map((key) => ({ key, ids: byKey.get(key) ?? [] })), query],
  }) as Map<string, number>[];
  return new Map(answers.flatMap((answer) => [...answer]));
}

function* renderPage(
  placements: readonly Placement[],
  page: readonly MergedHit[],
  snippets: boolean,
): Steps<SearchHit[]> {
  const byKey = groupBy(
    page,
    (hit) => hit.key,
    (hit) => hit,
  );
  const owners = placements.filter((p) => byKey.has(p.info.key));
  const answers = (yield {
    method: 'render',
    placements: owners,
    args: (keys) => [
      keys.map((key) => ({
        key,
        hits: (byKey.get(key) ?? []).map((h) => ({ id: h.id, score: h.final, terms: h.terms })),
        ...(snippets ? {} : { snippets }),
      })),
    ],
  }) as SearchHit[][];
  const rendered = new Map(answers.flat().map((hit) => [hit.id, hit]));
  return page.map((hit) => {
    const out = rendered.get(hit.id);
    if (!out) throw new Error(`partition ${hit.key} did not render ${hit.id}`);
    return out;
  });
}

/** The coordination of one search request (see the module comment). */
export function* searchSteps(
  placements: readonly Placement[],
  request: SearchRequest,
): Steps<SearchResponse> {
  const started = performance.now();
  const req = normaliseRequest(request);
  const { filters } = req;
  // A date range skips the partitions it cannot meet; statistics still come from all of them.
  const targets = placements.filter(
    ({ info }) =>
      info.documentCount > 0 &&
      (filters.fromMs === null || info.lastMs === null || info.lastMs >= filters.fromMs) &&
      (filters.toMs === null || info.firstMs === null || info.firstMs <= filters.toMs),
  );
  const lookup = termLookup(req.plan);
  const query: PartitionQuery = {
    request: {
      plan: req.plan,
      mode: req.mode,
      hasQuery: req.hasQuery,
      sort: req.sort,
      limit: req.limit,
      filters: req.filters,
      histogram: req.histogram,
      timeZone: req.timeZone,
    },
    after: req.after && { k: req.after.k, i: req.after.i },
    global: req.plan ? yield* archiveTerms(placements, lookup) : noTerms(),
    ...(request.snippets === false ? { snippets: false } : {}),
  };
  if (req.plan?.kind === 'words')
    query.words = yield* wordsDecision(targets, query, req.plan.words, req.mode);
  if (req.mode === 'natural' && req.plan) {
    const weights = yield* feedbackWeights(targets, query, req.plan);
    if (weights) {
      query.global = yield* archiveTerms(placements, termLookup(null, [...lookup.terms, ...weights.keys()]));
      query.weights = [...weights];
    }
  }
  const results = (
    targets.length === 0
      ? []
      : ((yield {
          method: 'search',
          placements: targets,
          args: (keys) => [keys, query],
        }) as PartitionResult[][])
  ).flat();
  const reranked = req.sort === 'relevance' ? rerankSet(results) : [];
  const bonuses = reranked.length > 0 ? yield* proximityBonuses(placements, reranked, query) : new Map();
  const merged = mergePages(results, req.sort, req.limit, query.after, reranked, bonuses);
  if (merged.total === 0 && req.retryAsText)
    return yield* searchSteps(placements, { ...request, asText: true });
  const hits = yield* renderPage(placements, merged.page, request.snippets ?? true);
  const indexVersion = combinedVersion(placements);
  const last = merged.page.at(-1);
  const response: SearchResponse = {
    query: req.echo,
    total: merged.total,
    results: hits,
    facets: mergeFacets(results),
    nextCursor:
      merged.hasMore && last
        ? encodeCursor({ v: indexVersion, f: req.fingerprint, k: cursorKeyOf(req.sort, last), i: last.id })
        : null,
    indexVersion,
    tookMs: 0,
    ...histogramOf(req, mergeDays(results)),
  };
  describeReading(
    response,
    req,
    query.words,
    merged.page.map((hit) => new Set(hit.terms)),
  );
  const misspelt = spellingTargets(req, merged.total, query.words);
  if (misspelt !== null) {
    const suggestion = yield* didYouMeanSteps(placements, req.q, req.mode, misspelt);
    if (suggestion) response.didYouMean = suggestion;
  }
  response.tookMs = Math.round((performance.now() - started) * 100) / 100;
  return response;
}

function noTerms(): GlobalTerms {
  return { documentCount: 0, avgFieldLength: [], df: new Map(), prefixes: new Map(), fuzzy: new Map() };
}

/** Groups a round's placements by host: one call per host with the keys of its partitions. */
function byHost<H>(placements: readonly Placement[]): Map<H, string[]> {
  return groupBy(
    placements,
    (p) => p.host as H,
    (p) => p.info.key,
  );
}

/** `value` of each item, grouped by `key`, groups in order of first appearance. */
function groupBy<T, K, V>(items: Iterable<T>, key: (item: T) => K, value: (item: T) => V): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const item of items) {
    const group = out.get(key(item));
    if (group) group.push(value(item));
    else out.set(key(item), [value(item)]);
  }
  return out;
}

/** Drives coordination steps against hosts in this thread. */
export function runSync<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (!step.done) {
    const round = step.value;
    const answers = [...byHost<SyncPartitionHost>(round.placements)].map(([host, keys]) =>
      (host[round.method] as (...args: unknown[]) => unknown)(...round.args(keys)),
    );
    step = steps.next(answers);
  }
  return step.value;
}

/** Drives coordination steps against asynchronous hosts, each round's calls in parallel. */
export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    const round = step.value;
    const answers = await Promise.all(
      [...byHost<PartitionHost>(round.placements)].map(([host, keys]) =>
        (host[round.method] as (...args: unknown[]) => Promise<unknown>)(...round.args(keys)),
      ),
    );
    step = steps.next(answers);
  }
  return step.value;
}

/**
 * Search over partitions held by asynchronous hosts (worker threads), e.g. a search function that
 * loads its partitions in parallel, one worker per vCPU.
 *
 * @example
 * const search = await PartitionedSearch.open(hosts);
 * const page = await search.query({ q: 'geneva talks', sort: 'newest' });
 */
export class PartitionedSearch {
  private constructor(
    private readonly hosts: readonly PartitionHost[],
    private readonly placements: readonly Placement<PartitionHost>[],
  ) {}

  static async open(hosts: readonly PartitionHost[]): Promise<PartitionedSearch> {
    const described = await Promise.all(hosts.map(async (host) => ({ host, infos: await host.describe() })));
    const placements = described.flatMap(({ host, infos }) => infos.map((info) => ({ host, info })));
    placements.sort((a, b) => (a.info.key < b.info.key ? -1 : 1));
    return new PartitionedSearch(hosts, placements);
  }

  /** Live articles over all partitions. */
  get size(): number {
    return this.placements.reduce((sum, p) => sum + p.info.documentCount, 0);
  }

  get partitions(): readonly PartitionInfo[] {
    return this.placements.map((p) => p.info);
  }

  get indexVersion(): string {
    return combinedVersion(this.placements);
  }

  query(request: SearchRequest): Promise<SearchResponse> {
    return runAsync(searchSteps(this.placements, request));
  }

  suggest(q: string, limit?: number): Promise<SuggestResponse> {
    return runAsync(suggestSteps(this.placements, q, limit));
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.close()));
  }
}
