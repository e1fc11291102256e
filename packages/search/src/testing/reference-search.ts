import type { ArchiveIndex } from '../documents/archive-index';
import { encodeCursor } from '../documents/cursor';
import type { IndexedArticle } from '../documents/indexed-article';
import { describeReading, spellingTargets } from '../documents/plain-words';
import {
  type Collected,
  cursorKey,
  facetCounter,
  histogramOf,
  hitTimes,
  listByDate,
  matchRequest,
  proximityBonuses,
  rankHits,
  renderHit,
} from '../documents/search';
import type { SearchRequest, SearchResponse } from '../documents/search-types';
import { type NormalisedRequest, normaliseRequest } from '../query/search-request';
import { didYouMean } from '../query/suggest';

/**
 * The single-index reference search: one index answers a whole request in one pass (parse →
 * analyse/guard → execute → filter → facet → sort → page → snippets). Production answers through
 * partitions/coordinator.ts, in rounds over partitions; this is the answer those rounds must equal,
 * which the exactness property tests (testing/exactness-arbitraries.ts) compare against. It is test
 * support only: nothing outside tests imports this folder (an architecture rule keeps it so). Both
 * pipelines are built from the same parts (documents/search.ts, documents/sort-order.ts).
 */

function searchText(index: ArchiveIndex, req: NormalisedRequest): Collected {
  const { plan, sort, limit, after } = req;
  const facets = facetCounter(index, req);
  if (!plan) return { total: 0, page: [], hasMore: false, facets: facets.result(), counts: facets.counts() };
  const { hits, termSets, words } = matchRequest(index, req);
  const { ids, scores } = hits;
  for (let i = 0; i < hits.size; i++) facets.add(ids[i] as number);
  if (sort === 'relevance') {
    for (const [i, bonus] of proximityBonuses(index, plan, hits)) scores[i] = (scores[i] as number) + bonus;
  }
  const keys = sort === 'relevance' ? scores : hitTimes(index, hits);
  const { top, included } = rankHits(index, hits, sort, keys, limit, after);
  return {
    total: hits.size,
    page: top.map((i) => ({
      doc: index.documentByShortId(ids[i] as number) as IndexedArticle,
      time: index.timeByShortId(ids[i] as number),
      score: scores[i] as number,
      terms: termSets.get(hits.termSets[i] as number),
    })),
    hasMore: included > limit,
    facets: facets.result(),
    counts: facets.counts(),
    ...(words ? { words } : {}),
  };
}

/**
 * Runs a search request against an index: parse → analyse/guard → execute → filter → facet →
 * sort → page → snippets. Throws QueryError / SearchRequestError for 400s.
 */
export function runSearch(index: ArchiveIndex, request: SearchRequest): SearchResponse {
  const started = performance.now();
  const req = normaliseRequest(request);
  const collected = req.hasQuery ? searchText(index, req) : listByDate(index, req);
  if (collected.total === 0 && req.retryAsText) return runSearch(index, { ...request, asText: true });
  const last = collected.page.at(-1);
  const response: SearchResponse = {
    query: req.echo,
    total: collected.total,
    results: collected.page.map((hit) => renderHit(hit.doc, hit.terms, hit.score)),
    facets: collected.facets,
    nextCursor:
      collected.hasMore && last
        ? encodeCursor({
            v: index.indexVersion,
            f: req.fingerprint,
            k: cursorKey(req.sort, last),
            i: last.doc.id,
          })
        : null,
    indexVersion: index.indexVersion,
    tookMs: 0,
    ...histogramOf(req, collected.counts.day),
  };
  describeReading(
    response,
    req,
    collected.words,
    collected.page.map((hit) => hit.terms),
  );
  const targets = spellingTargets(req, collected.total, collected.words);
  if (targets !== null) {
    const suggestion = didYouMean(index, req.q, req.mode, targets);
    if (suggestion) response.didYouMean = suggestion;
  }
  response.tookMs = Math.round((performance.now() - started) * 100) / 100;
  return response;
}
