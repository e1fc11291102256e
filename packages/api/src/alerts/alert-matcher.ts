import type { Article, ArticleChange } from '@archive/core';
import { Percolator } from '@archive/search';
import type { AlertRecord, QueuedDelivery } from '@archive/store';
import { articleSummary } from '../article-summary';

/** What a webhook receives for a match (docs/ALERTS.md). */
export interface AlertPayload {
  type: 'article.matched';
  alertId: string;
  deliveryId: string;
  /** `created`: the article's first version; `updated`: a later one (a correction, a new lead). */
  change: 'created' | 'updated';
  article: Pick<
    Article,
    'id' | 'title' | 'publishedAt' | 'place' | 'source' | 'url' | 'language' | 'version'
  > & {
    storyId: string;
  };
  matchedAt: string;
}

/** The one delivery of a match: the same article version never fires an alert twice. */
export function deliveryIdOf(alertId: string, article: Pick<Article, 'id' | 'version'>): string {
  return `${alertId}:${article.id}:${article.version}`;
}

/** A match as it is delivered: the payload is built once, so every attempt sends the same bytes. */
export function queuedDeliveryOf(alertId: string, article: Article, matchedAt: Date): QueuedDelivery {
  const deliveryId = deliveryIdOf(alertId, article);
  const payload: AlertPayload = {
    type: 'article.matched',
    alertId,
    deliveryId,
    change: article.version === 1 ? 'created' : 'updated',
    article: {
      ...articleSummary(article),
      language: article.language,
      version: article.version,
      storyId: article.storyId ?? article.id,
    },
    matchedAt: matchedAt.toISOString(),
  };
  return { alertId, deliveryId, body: JSON.stringify(payload) };
}

/**
 * The matching half of alerts: the active alerts in a percolator, and the deliveries committed
 * changes call for. Pure (no store, no network): the local runtime keeps it in step with creations
 * and deletions; the alert-matcher function on AWS reloads it from the table now and then (`sync`).
 */
export class AlertMatcher {
  private readonly percolator = new Percolator();

  constructor(
    private readonly now: () => Date = () => new Date(),
    /** Where an alert whose query no longer reads (the query language changed since) is reported. */
    private readonly onError?: (error: unknown) => void,
  ) {}

  get size(): number {
    return this.percolator.size;
  }

  /** @throws QueryError or SearchRequestError for a query `/search` refuses. */
  add(alert: Pick<AlertRecord, 'id' | 'query'>): void {
    this.percolator.add({ id: alert.id, query: alert.query });
  }

  remove(id: string): void {
    this.percolator.remove(id);
  }

  /**
   * Makes the matched alerts the active ones of `alerts` (the whole table): new ones are added,
   * deleted and parked ones removed, the rest kept as compiled (queries never change in place).
   * An alert whose query no longer reads is reported and left out rather than stopping the rest.
   */
  sync(alerts: readonly AlertRecord[]): void {
    const active = new Set<string>();
    for (const alert of alerts) {
      if (alert.status !== 'active') continue;
      active.add(alert.id);
      if (this.percolator.has(alert.id)) continue;
      try {
        this.add(alert);
      } catch (error) {
        this.onError?.(new Error(`alert ${alert.id} not loaded: ${String(error)}`, { cause: error }));
      }
    }
    for (const id of this.percolator.ids()) if (!active.has(id)) this.percolator.remove(id);
  }

  /** The deliveries committed changes call for: one per matching alert of each new or updated article (takedowns match nothing). */
  match(changes: readonly ArticleChange[]): QueuedDelivery[] {
    const deliveries: QueuedDelivery[] = [];
    for (const change of changes) {
      if (change.kind !== 'upsert') continue;
      const matchedAt = this.now();
      for (const alertId of this.percolator.match(change.article)) {
        deliveries.push(queuedDeliveryOf(alertId, change.article, matchedAt));
      }
    }
    return deliveries;
  }
}
