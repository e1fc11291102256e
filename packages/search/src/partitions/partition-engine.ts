import type { ArchiveIndex } from '../documents/archive-index';
import type { IndexedArticle } from '../documents/indexed-article';
import { countWords } from '../documents/plain-words';
import {
  bestByScore,
  facetCounter,
  feedbackDocs,
  hitTimes,
  listByDate,
  matchRequest,
  proximityScorer,
  rankHits,
  renderHit,
} from '../documents/search';
import type { SearchHit } from '../documents/search-types';
import { ANALYZER } from '../minisearch/index-definition';
import { collectionStatistics, fieldFrequencies, prefixTerms } from '../minisearch/minisearch-internals';
import type { WalkBudget } from '../minisearch/radix-tree';
import { prefixScope, type TermDictionary } from '../query/execute';
import { fuzzyMatches } from '../query/fuzzy';
import type { WordCounts } from '../query/relax';
import { spellcheckBudget, surfaceForm } from '../query/suggest';
import { RERANK_DEPTH } from '../ranking/proximity';
import {
  type Candidate,
  type FeedbackCandidate,
  frequencyIn,
  fuzzyKey,
  type GlobalTerms,
  type PartitionInfo,
  type PartitionQuery,
  type PartitionResult,
  type RenderRequest,
  type TermLookup,
  type TermStats,
} from './protocol';

/**
 * The partition side of the rounds (protocol.ts): what one time partition (an ArchiveIndex)
 * answers, using the engine's own steps (search.ts) with archive-wide statistics.
 */

export function describePartition(key: string, index: ArchiveIndex): PartitionInfo {
  const range = index.timeRange();
  return {
    key,
    documentCount: index.size,
    version: index.indexVersion,
    firstMs: range?.firstMs ?? null,
    lastMs: range?.lastMs ?? null,
  };
}

/** Round 1: frequencies of the query's terms and the candidates of its prefixes and fuzzy words. */
export function partitionTermStats(
  index: ArchiveIndex,
  lookup: TermLookup,
  /** Shared by the indexes one host answers for, so one query's spell-check is bounded per host. */
  budget: WalkBudget = spellcheckBudget(),
): TermStats {
  const ms = index.engine;
  const { documentCount, avgFieldLength } = collectionStatistics(ms);
  const stats: TermStats = {
    documentCount,
    fieldLengthTotals: avgFieldLength.map((average) => average * documentCount),
    df: new Map(),
    prefixes: new Map(),
    fuzzy: new Map(),
  };
  const terms = new Set(lookup.terms);
  for (const typed of lookup.prefixes) {
    const { key, accept } = prefixScope(typed);
    const found = prefixTerms(ms, key, Number.POSITIVE_INFINITY, accept).map((c) => c.term);
    stats.prefixes.set(typed, found);
    for (const term of found) terms.add(term);
  }
  for (const { word, distance } of lookup.fuzzy) {
    const walk = lookup.spellcheck ? budget : undefined;
    const found = fuzzyMatches(index.surface(), ANALYZER, word, distance, walk);
    stats.fuzzy.set(fuzzyKey(word, distance), found);
    for (const [candidate] of found) terms.add(candidate);
  }
  for (const term of terms) {
    const perField = fieldFrequencies(ms, term);
    if (perField.some((n) => n > 0)) stats.df.set(term, perField);
  }
  return stats;
}

/** The archive-wide figures of round 1 as the executor reads them. */
export function dictionaryOf(global: GlobalTerms): TermDictionary {
  const frequency = (term: string) => frequencyIn(global.df, term);
  return {
    fuzzyTerms: (word, maxDistance) => global.fuzzy.get(fuzzyKey(word, maxDistance)) ?? [],
    expandPrefix: (typed) => (global.prefixes.get(typed) ?? []).map(([term, weight]) => ({ term, weight })),
    documentFrequency: frequency,
    stats: {
      documentCount: global.documentCount,
      avgFieldLength: global.avgFieldLength,
      fieldFrequency: (term, fieldId) => global.df.get(term)?.[fieldId] ?? 0,
    },
  };
}

/** Natural mode's first pass: this partition's best `count` hits and their texts. */
export function partitionFeedback(
  index: ArchiveIndex,
  query: PartitionQuery,
  count: number,
): FeedbackCandidate[] {
  const req = query.request;
  const { hits } = matchRequest(index, req, {
    dictionary: dictionaryOf(query.global),
    firstPassOnly: true,
    ...(query.words ? { words: query.words } : {}),
  });
  return feedbackDocs(index, hits, count);
}

/** Plain words: how many of this partition's filtered articles hold all or some searched words. */
export function partitionWordCounts(index: ArchiveIndex, query: PartitionQuery): WordCounts {
  const req = query.request;
  const { words } = query;
  if (!words) return { all: 0, any: 0 };
  const { hits, termSets } = matchRequest(index, req, {
    dictionary: dictionaryOf(query.global),
    words,
    countOnly: true,
  });
  return countWords(hits, termSets, words.choice.searched);
}

/** Round 2: total, facet counts and the candidates the merge needs (see merge.ts's mergePages). */
export function searchPartition(key: string, index: ArchiveIndex, query: PartitionQuery): PartitionResult {
  const req = query.request;
  const { after } = query;
  if (!req.hasQuery) {
    const listed = listByDate(index, { ...req, after });
    const page = listed.page.map(({ doc, time }) => candidate(doc, 0, time, []));
    return {
      key,
      total: listed.total,
      facets: listed.counts,
      best: [],
      page,
      after: listed.included,
    };
  }
  const dictionary = dictionaryOf(query.global);
  const weights = query.weights ? new Map(query.weights) : undefined;
  const { hits, termSets } = matchRequest(index, req, {
    dictionary,
    ...(weights ? { weights } : {}),
    ...(query.words ? { words: query.words } : {}),
  });
  const facets = facetCounter(index, req);
  for (let i = 0; i < hits.size; i++) facets.add(hits.ids[i] as number);
  const docOf = (i: number) => index.documentByShortId(hits.ids[i] as number) as IndexedArticle;
  const times = hitTimes(index, hits);
  const toCandidate = (i: number) =>
    candidate(docOf(i), hits.scores[i] as number, times[i] as number, [
      ...termSets.get(hits.termSets[i] as number),
    ]);
  // Re-ranking: only the BM25 order here; the coordinator asks for the bonuses of the archive's
  // best RERANK_DEPTH alone (partitionBonuses), not of every partition's best.
  const reranks = req.sort === 'relevance' && req.plan !== null && proximityScorer(index, req.plan) !== null;
  const best = reranks ? bestByScore(index, hits, RERANK_DEPTH).map(toCandidate) : [];
  const keys = req.sort === 'relevance' ? hits.scores : times;
  const depth = req.limit + (reranks ? RERANK_DEPTH : 0);
  const { top, included } = rankHits(index, hits, req.sort, keys, depth, after);
  return {
    key,
    total: hits.size,
    facets: facets.counts(),
    best,
    page: top.map(toCandidate),
    after: included,
  };
}

/** The proximity bonus of some of this partition's articles (the archive's best RERANK_DEPTH). */
export function partitionBonuses(
  index: ArchiveIndex,
  query: PartitionQuery,
  ids: string[],
): Map<string, number> {
  const { plan } = query.request;
  const scorer = plan && proximityScorer(index, plan, dictionaryOf(query.global));
  const out = new Map<string, number>();
  for (const id of ids) {
    const shortId = index.shortIdOf(id);
    if (shortId !== undefined && scorer) out.set(id, scorer(shortId));
  }
  return out;
}

function candidate(doc: IndexedArticle, score: number, time: number, terms: string[]): Candidate {
  return { id: doc.id, score, time, terms };
}

/** Round 3: the page's hits this partition holds, as the response gives them. */
export function renderPartitionHits(
  index: ArchiveIndex,
  hits: RenderRequest['hits'],
  snippets = true,
): SearchHit[] {
  return hits.flatMap(({ id, score, terms }) => {
    const doc = index.document(id);
    return doc ? [renderHit(doc, new Set(terms), score, snippets)] : [];
  });
}

/** A surface form of each term this partition can give (suggest.ts's surfaceForm). */
export function surfaceFormsIn(
  index: ArchiveIndex,
  terms: string[],
  startingWith: string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const term of terms) {
    const word = surfaceForm(index, term, startingWith);
    if (word !== undefined) out.set(term, word);
  }
  return out;
}
