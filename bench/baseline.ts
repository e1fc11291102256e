import type { Article } from '@archive/core';
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import type { SearchRequest } from './queries';

/**
 * The baseline: plain MiniSearch with default options over title and body, snapshotted with
 * `JSON.stringify` and loaded with `MiniSearch.loadJSON`. Nothing else is stored in the index
 * (default options have no stored fields); the publication dates the date-filtered and newest
 * queries need are kept beside it, in a map the baseline is handed separately.
 *
 * How a production request maps to the closest MiniSearch call (see bench/README.md):
 * - words (one or several) → `search(words, { combineWith: 'AND' })` (production ANDs words too);
 * - `"a phrase"` → the phrase's words, AND (MiniSearch has no phrases);
 * - `stem*` → `search(stem, { prefix: true })`; `word~` → `search(word, { fuzzy: 0.2 })`;
 * - `from`/`to` → a `filter` callback on the date map (whole UTC days, inclusive);
 * - `sort=newest` → every result sorted by date, newest first;
 * then the first `limit` results.
 */
export const BASELINE_OPTIONS = { fields: ['title', 'body'] };

export interface BaselineDoc {
  id: string;
  title: string;
  body: string;
}

/** Publication instants by id (epoch ms), kept outside the baseline index. */
export type DateMap = ReadonlyMap<string, number>;

export function toBaselineDoc(article: Article): BaselineDoc {
  const body = [article.caption, ...article.paragraphs].filter((p): p is string => !!p).join('\n\n');
  return { id: article.id, title: article.title, body };
}

export function buildBaseline(articles: readonly Article[]): MiniSearch<BaselineDoc> {
  const miniSearch = new MiniSearch<BaselineDoc>(BASELINE_OPTIONS);
  for (const article of articles) miniSearch.add(toBaselineDoc(article));
  return miniSearch;
}

export function baselineSnapshot(miniSearch: MiniSearch<BaselineDoc>): string {
  return JSON.stringify(miniSearch);
}

export function loadBaseline(json: string): MiniSearch<BaselineDoc> {
  return MiniSearch.loadJSON<BaselineDoc>(json, BASELINE_OPTIONS);
}

export function baselineDates(articles: readonly Article[]): Map<string, number> {
  return new Map(articles.map((a) => [a.id, Date.parse(a.publishedAt)]));
}

/** Runs the MiniSearch call closest to a production request; returns the first `limit` results. */
export function baselineSearch(
  miniSearch: MiniSearch<BaselineDoc>,
  request: SearchRequest,
  dates: DateMap | null,
): SearchResult[] {
  let text = request.q.trim();
  const options: SearchOptions = { combineWith: 'AND' };
  if (text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  else if (text.endsWith('*')) {
    text = text.slice(0, -1);
    options.prefix = true;
  } else if (text.endsWith('~')) {
    text = text.slice(0, -1);
    options.fuzzy = 0.2;
  }
  if ((request.from || request.to) && dates) {
    const from = request.from ? Date.parse(`${request.from}T00:00:00Z`) : Number.NEGATIVE_INFINITY;
    const to = request.to ? Date.parse(`${request.to}T23:59:59.999Z`) : Number.POSITIVE_INFINITY;
    options.filter = (result) => {
      const at = dates.get(result.id as string);
      return at !== undefined && at >= from && at <= to;
    };
  }
  const results = miniSearch.search(text, options);
  if (request.sort === 'newest' && dates) {
    results.sort(
      (a, b) => (dates.get(b.id as string) ?? 0) - (dates.get(a.id as string) ?? 0) || b.score - a.score,
    );
  }
  return results.slice(0, request.limit);
}
