import { type ArticleChange, sharedSlices } from '@archive/core';
import type { AlertQuery, AlertRecord, AlertStore, QueuedDelivery } from '@archive/store';
import { AlertMatcher } from './alert-matcher';
import { type AlertManager, AlertRegistry } from './alert-registry';
import { type DeliveryOptions, type DeliveryOutcome, WebhookDeliverer } from './delivery';

export interface AlertServiceOptions {
  delivery: DeliveryOptions;
  /** Default DEFAULT_MAX_ALERTS (10,000). */
  maxAlerts?: number;
  now?: () => Date;
  /** Where delivery bugs are reported (outcomes themselves are recorded on the alert). */
  onError?: (error: unknown) => void;
}

/**
 * Standing searches in one process (the local runtime): the alerts (registry), their matcher kept
 * in step with creations and deletions, matching of committed changes, and deliveries in the
 * background with retries. `drain()` waits for deliveries in flight (shutdown, tests). On AWS the
 * same parts run apart: the registry in the API function, the matcher on the table's stream, the
 * deliverer one attempt per queue message (functions/alert-*.ts).
 */
export class AlertService implements AlertManager {
  private readonly matcher: AlertMatcher;
  private readonly registry: AlertRegistry;
  private readonly deliverer: WebhookDeliverer;
  private readonly inFlight = new Set<Promise<DeliveryOutcome | undefined>>();
  /** Aborted by close(): retries waiting are dropped. */
  private readonly stopping = new AbortController();

  private constructor(
    readonly store: AlertStore,
    private readonly options: AlertServiceOptions,
    count: number,
  ) {
    this.deliverer = new WebhookDeliverer(store, options.delivery);
    this.matcher = new AlertMatcher(options.now, options.onError);
    // This process is the store's only writer locally: the count is kept, not recounted.
    this.registry = new AlertRegistry(store, {
      policy: options.delivery.policy,
      ...(options.delivery.resolveHost ? { resolveHost: options.delivery.resolveHost } : {}),
      ...(options.maxAlerts === undefined ? {} : { maxAlerts: options.maxAlerts }),
      ...(options.now ? { now: options.now } : {}),
      knownCount: count,
    });
  }

  /**
   * Loads the active alerts of the store into the matcher. An alert whose query no longer reads
   * (the query language changed since) is reported and left out rather than stopping start.
   */
  static async start(store: AlertStore, options: AlertServiceOptions): Promise<AlertService> {
    const alerts = await store.list();
    const service = new AlertService(store, options, alerts.length);
    service.matcher.sync(alerts);
    return service;
  }

  get policy() {
    return this.options.delivery.policy;
  }

  async create(query: AlertQuery, webhookUrl: string): Promise<AlertRecord> {
    const alert = await this.registry.create(query, webhookUrl);
    this.matcher.add(alert);
    return alert;
  }

  async delete(id: string): Promise<boolean> {
    this.matcher.remove(id);
    return this.registry.delete(id);
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
      for (const delivery of this.matcher.match([change])) {
        this.track(this.deliverMatch(delivery));
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

  private async deliverMatch(delivery: QueuedDelivery): Promise<DeliveryOutcome> {
    const alert = await this.store.get(delivery.alertId);
    if (alert?.status !== 'active') return 'skipped';
    const outcome = await this.deliverer.deliver(alert, delivery, this.stopping.signal);
    if (outcome === 'parked') this.matcher.remove(delivery.alertId);
    return outcome;
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
