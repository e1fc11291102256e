import { checkStandingQuery } from '@archive/search';
import { type AlertQuery, type AlertRecord, type AlertStore, newAlertRecord } from '@archive/store';
import { DEFAULT_MAX_ALERTS, TooManyAlertsError } from './too-many-alerts';
import { checkWebhookUrl, type ResolveHost, type WebhookUrlPolicy } from './webhook-url';

/** What the alert routes need: the store to read, creation and deletion with their checks. */
export interface AlertManager {
  readonly store: AlertStore;
  /**
   * Creates an alert, once its query is one `/search` accepts and its URL one the policy allows.
   * @throws QueryError or SearchRequestError for the query, as `/search` does; WebhookUrlError;
   *   TooManyAlertsError.
   */
  create(query: AlertQuery, webhookUrl: string): Promise<AlertRecord>;
  /** Deletes an alert; false when there was none. */
  delete(id: string): Promise<boolean>;
}

export interface AlertRegistryOptions {
  policy: WebhookUrlPolicy;
  resolveHost?: ResolveHost;
  /** Default {@link DEFAULT_MAX_ALERTS}. */
  maxAlerts?: number;
  now?: () => Date;
  /**
   * How many alerts the store holds when this process is its only writer (the local runtime): the
   * count is then kept here. Without it every creation counts the store (several API functions on
   * AWS create alerts; creation is rare enough for a scan).
   */
  knownCount?: number;
}

/** Alert management over a store, without matching: the API function on AWS, and the local service's base. */
export class AlertRegistry implements AlertManager {
  private count: number | null;

  constructor(
    readonly store: AlertStore,
    private readonly options: AlertRegistryOptions,
  ) {
    this.count = options.knownCount ?? null;
  }

  async create(query: AlertQuery, webhookUrl: string): Promise<AlertRecord> {
    const limit = this.options.maxAlerts ?? DEFAULT_MAX_ALERTS;
    const count = this.count ?? (await this.store.list()).length;
    if (count >= limit) throw new TooManyAlertsError(limit);
    checkStandingQuery(query);
    await checkWebhookUrl(webhookUrl, this.options.policy, this.options.resolveHost);
    const now = this.options.now ?? (() => new Date());
    for (;;) {
      const alert = newAlertRecord({ query, webhookUrl, createdAt: now().toISOString() });
      // 96 random bits do not collide; the loop is for the record.
      if (await this.store.create(alert)) {
        if (this.count !== null) this.count++;
        return alert;
      }
    }
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.store.delete(id);
    if (deleted && this.count !== null) this.count--;
    return deleted;
  }
}
