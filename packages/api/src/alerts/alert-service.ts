import { type Article, type ArticleChange, sharedSlices } from '@archive/core';
import { checkStandingQuery, Percolator } from '@archive/search';
import { type AlertQuery, type AlertRecord, type AlertStore, newAlertRecord } from '@archive/store';
import { type Delivery, type DeliveryOptions, type DeliveryOutcome, WebhookDeliverer } from './delivery';
import { DEFAULT_MAX_ALERTS, TooManyAlertsError } from './too-many-alerts';
import { checkWebhookUrl } from './webhook-url';

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

export interface AlertServiceOptions {
  delivery: DeliveryOptions;
  /** Default {@link DEFAULT_MAX_ALERTS}. */
  maxAlerts?: number;
  now?: () => Date;
  /** Where delivery bugs are reported (outcomes themselves are recorded on the alert). */
  onError?: (error: unknown) => void;
}

/**
 * Standing searches in one process (the local runtime): the alerts (store), their percolator kept
 * in step with creations and deletions, matching of committed changes, and deliveries in the
 * background. `drain()` waits for deliveries in flight (shutdown, tests).
 */
export class AlertService {
  private readonly percolator = new Percolator();
  private readonly deliverer: WebhookDeliverer;
  private readonly inFlight = new Set<Promise<DeliveryOutcome | undefined>>();
  private readonly now: () => Date;
  /** Aborted by close(): retries waiting are dropped. */
  private readonly stopping = new AbortController();
  /** Alerts in the store, parked ones included (this process is the only writer locally). */
  private count = 0;

  private constructor(
    readonly store: AlertStore,
    private readonly options: AlertServiceOptions,
  ) {
    this.deliverer = new WebhookDeliverer(store, options.delivery);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Loads the active alerts of the store into the percolator. An alert whose query no longer
   * reads (the query language changed since) is reported and left out rather than stopping start.
   */
  static async start(store: AlertStore, options: AlertServiceOptions): Promise<AlertService> {
    const service = new AlertService(store, options);
    const alerts = await store.list();
    service.count = alerts.length;
    for (const alert of alerts) {
      if (alert.status !== 'active') continue;
      try {
        service.percolator.add({ id: alert.id, query: alert.query });
      } catch (error) {
        options.onError?.(new Error(`alert ${alert.id} not loaded: ${String(error)}`, { cause: error }));
      }
    }
    return service;
  }

  get policy() {
    return this.options.delivery.policy;
  }

  /**
   * Creates an alert, once its query is one `/search` accepts and its URL one the policy allows.
   * @throws QueryError or SearchRequestError for the query, as `/search` does; WebhookUrlError.
   */
  async create(query: AlertQuery, webhookUrl: string): Promise<AlertRecord> {
    const limit = this.options.maxAlerts ?? DEFAULT_MAX_ALERTS;
    if (this.count >= limit) throw new TooManyAlertsError(limit);
    checkStandingQuery(query);
    await checkWebhookUrl(webhookUrl, this.options.delivery.policy, this.options.delivery.resolveHost);
    for (;;) {
      const alert = newAlertRecord({ query, webhookUrl, createdAt: this.now().toISOString() });
      // 96 random bits do not collide; the loop is for the record.
      if (await this.store.create(alert)) {
        this.count++;
        this.percolator.add({ id: alert.id, query: alert.query });
        return alert;
      }
    }
  }

  async delete(id: string): Promise<boolean> {
    this.percolator.remove(id);
    const deleted = await this.store.delete(id);
    if (deleted) this.count--;
    return deleted;
  }

  /**
   * Matches committed changes (new and updated articles; takedowns match nothing) and starts the
   * deliveries without waiting for them: the write that produced the change does not wait on webhooks.
   * @returns how many deliveries were started.
   */
  async matchChanges(changes: readonly ArticleChange[]): Promise<number> {
    if (this.stopping.signal.aborted) return 0;
    let started = 0;
    for (const change of changes) {
      if (change.kind !== 'upsert') continue;
      // Matching analyses the whole article: a batch of them shares the loop with searches.
      const pause = sharedSlices.due();
      if (pause) await pause;
      if (this.stopping.signal.aborted) return started;
      for (const alertId of this.percolator.match(change.article)) {
        this.track(this.deliverMatch(alertId, change.article));
        started++;
      }
    }
    return started;
  }

  /**
   * Stops: attempts in flight are abandoned and retries waiting are dropped (locally a match is
   * delivered at most once across a restart; on AWS the queue keeps it).
   */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.drain();
  }

  /** Waits until every delivery started so far is delivered or parked. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async deliverMatch(alertId: string, article: Article): Promise<DeliveryOutcome> {
    const alert = await this.store.get(alertId);
    if (alert?.status !== 'active') return 'skipped';
    const outcome = await this.deliverer.deliver(
      alert,
      this.deliveryOf(alert, article),
      this.stopping.signal,
    );
    if (outcome === 'parked') this.percolator.remove(alertId);
    return outcome;
  }

  private deliveryOf(alert: AlertRecord, article: Article): Delivery {
    const deliveryId = deliveryIdOf(alert.id, article);
    const payload: AlertPayload = {
      type: 'article.matched',
      alertId: alert.id,
      deliveryId,
      change: article.version === 1 ? 'created' : 'updated',
      article: {
        id: article.id,
        title: article.title,
        publishedAt: article.publishedAt,
        place: article.place,
        source: article.source,
        url: article.url,
        language: article.language,
        version: article.version,
        storyId: article.storyId ?? article.id,
      },
      matchedAt: this.now().toISOString(),
    };
    return { deliveryId, body: JSON.stringify(payload) };
  }

  private track(delivery: Promise<DeliveryOutcome>): void {
    const tracked = delivery.catch((error: unknown) => {
      this.options.onError?.(error);
      return undefined;
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}
