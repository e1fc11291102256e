import MiniSearch from 'minisearch';
import type { Article } from '../../core/src/article';

/**
 * The in-memory search index: a MiniSearch index plus the per-article metadata search needs,
 * and the highest version seen per article (tombstones included) so that change records can be
 * applied idempotently and out of order.
 *
 * FIRST CUT (skeleton): plain options, JSON serialisation, words-only search. The search-engine
 * work replaces the analysis and query path; the life-cycle work replaces the snapshot codec.
 */
export interface IndexedArticle {
  id: string;
  title: string;
  publishedAt: string;
  place: string | null;
  source: string | null;
  language: string;
  tags: string[];
  version: number;
  /** Text kept for snippets: paragraphs joined by blank lines, caption first when present. */
  body: string;
}

export interface SimpleHit {
  id: string;
  title: string;
  publishedAt: string;
  place: string | null;
  score: number;
}

const MINISEARCH_OPTIONS = {
  fields: ['title', 'body'],
  storeFields: [] as string[],
};

export class ArchiveIndex {
  private readonly miniSearch: MiniSearch<IndexedArticle>;
  private readonly docs = new Map<string, IndexedArticle>();
  /** Highest version applied per id, for live and removed articles alike. */
  private readonly versions = new Map<string, number>();

  private constructor(miniSearch: MiniSearch<IndexedArticle>) {
    this.miniSearch = miniSearch;
  }

  static empty(): ArchiveIndex {
    return new ArchiveIndex(new MiniSearch<IndexedArticle>(MINISEARCH_OPTIONS));
  }

  get size(): number {
    return this.docs.size;
  }

  versionOf(id: string): number | undefined {
    return this.versions.get(id);
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Adds or replaces an article unless a same-or-newer version was already applied. */
  applyUpsert(article: Article): boolean {
    const seen = this.versions.get(article.id);
    if (seen !== undefined && seen >= article.version) return false;
    if (this.docs.has(article.id)) this.miniSearch.discard(article.id);
    const doc = toIndexedArticle(article);
    this.miniSearch.add(doc);
    this.docs.set(doc.id, doc);
    this.versions.set(doc.id, doc.version);
    return true;
  }

  /** Removes an article unless a newer version was already applied. */
  applyRemove(id: string, version: number): boolean {
    const seen = this.versions.get(id);
    if (seen !== undefined && seen > version) return false;
    if (this.docs.has(id)) {
      this.miniSearch.discard(id);
      this.docs.delete(id);
    }
    this.versions.set(id, Math.max(seen ?? 0, version));
    return true;
  }

  search(q: string, limit = 10): SimpleHit[] {
    return this.miniSearch
      .search(q, { combineWith: 'AND' })
      .slice(0, limit)
      .map((r) => {
        const doc = this.docs.get(r.id as string);
        if (!doc) throw new Error(`index and document table disagree on ${String(r.id)}`);
        return {
          id: doc.id,
          title: doc.title,
          publishedAt: doc.publishedAt,
          place: doc.place,
          score: r.score,
        };
      });
  }

  serialize(): Uint8Array {
    const json = JSON.stringify({
      index: this.miniSearch.toJSON(),
      docs: [...this.docs.values()],
      versions: [...this.versions.entries()],
    });
    return new TextEncoder().encode(json);
  }

  static deserialize(bytes: Uint8Array): ArchiveIndex {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as {
      index: unknown;
      docs: IndexedArticle[];
      versions: [string, number][];
    };
    const index = new ArchiveIndex(
      MiniSearch.loadJS<IndexedArticle>(parsed.index as never, MINISEARCH_OPTIONS),
    );
    for (const doc of parsed.docs) index.docs.set(doc.id, doc);
    for (const [id, v] of parsed.versions) index.versions.set(id, v);
    return index;
  }
}

export function toIndexedArticle(article: Article): IndexedArticle {
  return {
    id: article.id,
    title: article.title,
    publishedAt: article.publishedAt,
    place: article.place,
    source: article.source,
    language: article.language,
    tags: article.tags,
    version: article.version,
    body: [article.caption, ...article.paragraphs].filter((p): p is string => !!p).join('\n\n'),
  };
}
