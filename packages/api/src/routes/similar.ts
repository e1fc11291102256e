import type { Article } from '@archive/core';
import {
  fold,
  LUCENE_STOP_WORDS,
  MAX_LIMIT,
  MAX_QUERY_LENGTH,
  NLTK_STOP_WORDS,
  type Searcher,
  type SearchResponse,
  tokenize,
} from '@archive/search';
import type { Hono } from 'hono';
import { ApiError } from '../errors';
import { parseParams } from '../query';
import { checkArticleId } from './articles';
import { engineError, rawParams, SearchParams, toSearchRequest } from './search';

/** What `/articles/{id}/similar` needs of the article itself: null when unknown or taken down. */
export type GetArticle = (
  id: string,
) => Promise<Pick<Article, 'id' | 'title' | 'paragraphs' | 'storyId'> | null>;

/**
 * Words of the article handed to the engine. The engine keeps the MAX_QUERY_TERMS of them carrying
 * most meaning (IDF from the archive's statistics × the sublinear weight of their repeats), as it
 * does for any long request, so only the candidates are chosen here: its most repeated words.
 */
const CANDIDATE_WORDS = 120;
/** Repeats kept per word: the engine weighs repeats sublinearly, more add little but length. */
const MAX_REPEATS = 4;
/** A title word counts as this many body words (titles say what an article is about). */
const TITLE_WEIGHT = 2;
/** Extra hits asked for, so dropping the article and its near-copies still fills the page. */
const EXCLUSION_MARGIN = 10;

/**
 * The article's more-like-this request: its most repeated content words, each repeated as often as
 * it occurs (capped), as plain words. Hand-written: the text is already tokenised by the engine's
 * own tokenizer and the choice by IDF happens in the engine, across partitions and hosts.
 */
export function similarityQuery(article: Pick<Article, 'title' | 'paragraphs'>): string {
  const counts = new Map<string, { text: string; count: number; order: number }>();
  const add = (text: string, weight: number) => {
    for (const word of tokenize(text)) {
      const key = fold(word);
      if (key.length < 2 || LUCENE_STOP_WORDS.has(key) || NLTK_STOP_WORDS.has(key) || /^\d+$/.test(key))
        continue;
      const seen = counts.get(key);
      if (seen) seen.count += weight;
      else counts.set(key, { text: word, count: weight, order: counts.size });
    }
  };
  add(article.title, TITLE_WEIGHT);
  for (const paragraph of article.paragraphs) add(paragraph, 1);
  const chosen = [...counts.values()]
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, CANDIDATE_WORDS);
  let q = '';
  for (const word of chosen) {
    const repeated = Array(Math.min(word.count, MAX_REPEATS)).fill(word.text).join(' ');
    if (q.length + repeated.length + 1 > MAX_QUERY_LENGTH) break;
    q = q ? `${q} ${repeated}` : repeated;
  }
  return q;
}

/** `/search`'s parameters less those the route sets itself (ignored when sent). */
export const SimilarParams = SearchParams.omit({
  q: true,
  mode: true,
  strict: true,
  sort: true,
  cursor: true,
  collapse: true,
});

/**
 * `GET /articles/{id}/similar`: the articles most like this one, as `/search` answers (same shape,
 * same filters; `q`, `mode`, `sort` and `cursor` are the route's own), without the article itself
 * and its near-copies (its story). 404 for an unknown or taken-down article.
 */
export function registerSimilarRoute(
  app: Hono,
  getIndex: () => Searcher | Promise<Searcher>,
  getArticle: GetArticle,
): void {
  app.get('/articles/:id/similar', async (c) => {
    const p = parseParams(SimilarParams, rawParams(c));
    const id = checkArticleId(c.req.param('id'));
    const article = await getArticle(id);
    if (!article) throw new ApiError(404, 'not_found', `no article ${id}`, { id });
    const story = article.storyId ?? article.id;
    const index = await getIndex();
    let answer: SearchResponse;
    try {
      answer = await index.query({
        ...toSearchRequest({ ...p, strict: false }),
        q: similarityQuery(article),
        mode: 'natural',
        sort: 'relevance',
        limit: Math.min(p.limit + EXCLUSION_MARGIN, MAX_LIMIT),
      });
    } catch (error) {
      throw engineError(error);
    }
    const results = answer.results
      .filter((hit) => hit.id !== article.id && hit.storyId !== story)
      .slice(0, p.limit)
      .map(({ missing: _missing, ...hit }) => hit);
    const { missing: _missing, notes: _notes, didYouMean: _didYouMean, ...rest } = answer;
    // `total` counts articles sharing a meaningful word, less those excluded from this page; no cursor.
    return c.json({
      ...rest,
      query: { ...answer.query, q: '', limit: p.limit },
      total: Math.max(0, answer.total - (answer.results.length - results.length)),
      results,
      nextCursor: null,
    });
  });
}
