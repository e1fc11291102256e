import type { AlertRecord, AlertStore } from '@archive/store';
import { postPinned } from './pinned-post';
import {
  ALERT_ID_HEADER,
  DELIVERY_ID_HEADER,
  SIGNATURE_HEADER,
  signDelivery,
  TIMESTAMP_HEADER,
} from './signature';
import { checkWebhookUrl, type ResolveHost, resolveWithDns, type WebhookUrlPolicy } from './webhook-url';
import { WebhookUrlError } from './webhook-url-error';

/** How deliveries are made and retried (defaults: 5 attempts over ~1 minute, 5 s per attempt). */
export interface DeliveryOptions {
  policy: WebhookUrlPolicy;
  /** Attempts per delivery; when all fail the alert is parked. */
  maxAttempts?: number;
  /** How long one attempt may take, response included. */
  timeoutMs?: number;
  /** First retry delay; it doubles per attempt up to `maxBackoffMs`, with jitter. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  resolveHost?: ResolveHost;
  /** Injected for tests of the backoff; Math.random otherwise. */
  random?: () => number;
  now?: () => Date;
}

export const DEFAULT_DELIVERY = {
  maxAttempts: 5,
  timeoutMs: 5000,
  baseBackoffMs: 2000,
  maxBackoffMs: 30_000,
};

/** One match to deliver: the body is built once so every attempt sends (and signs) the same bytes. */
export interface Delivery {
  deliveryId: string;
  body: string;
}

export type DeliveryOutcome = 'delivered' | 'parked' | 'skipped';
/** One attempt's outcome: `failed` means a later attempt may still succeed (not parked yet). */
export type AttemptOutcome = DeliveryOutcome | 'failed';

/**
 * The wait before retry `attempt` (1 = the first retry): exponential, capped, "equal jitter" (half
 * fixed, half random) so that receivers recovering from an outage are not hit by every alert at once
 * while a retry still waits at least half its step.
 */
export function backoffMs(attempt: number, base: number, cap: number, random: () => number): number {
  const step = Math.min(cap, base * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}

/**
 * Delivers matches to webhooks: a signed POST, a bounded time per attempt, retries with backoff and
 * jitter, and the alert parked with the last reason after `maxAttempts` failures. Outcomes are
 * recorded on the alert (`failures`, `lastFailure`, `deliveries`, `parkedReason`).
 */
export class WebhookDeliverer {
  private readonly options: Required<DeliveryOptions>;

  constructor(
    private readonly store: AlertStore,
    options: DeliveryOptions,
  ) {
    this.options = {
      ...DEFAULT_DELIVERY,
      resolveHost: resolveWithDns,
      random: Math.random,
      now: () => new Date(),
      ...options,
    };
  }

  /** Delivers one match to the alert's webhook, retrying; resolves when delivered or parked. */
  async deliver(alert: AlertRecord, delivery: Delivery, signal?: AbortSignal): Promise<DeliveryOutcome> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await sleep(this.retryDelayMs(attempt - 1), signal);
      // Shutting down: the delivery is dropped, not counted as a failure of the receiver.
      if (signal?.aborted) return 'skipped';
      const outcome = await this.attempt(alert.id, delivery, attempt, signal);
      if (outcome !== 'failed') return outcome;
    }
  }

  /**
   * Attempt number `attempt` of a delivery, with its outcome recorded on the alert: a success
   * resets the failures; a failure is counted, and parks the alert when it is attempt
   * `maxAttempts` or later. The retry loop is the caller's: `deliver` here, the queue on AWS.
   */
  async attempt(
    alertId: string,
    delivery: Delivery,
    attempt: number,
    signal?: AbortSignal,
  ): Promise<AttemptOutcome> {
    // A deleted or parked alert gets no more attempts.
    const current = await this.store.get(alertId);
    if (current?.status !== 'active') return 'skipped';
    const failure = await this.post(current, delivery, signal);
    if (signal?.aborted) return 'skipped';
    const at = this.options.now().toISOString();
    if (failure === null) {
      await this.store.recordDelivery(alertId, at);
      return 'delivered';
    }
    await this.store.recordFailure(alertId, at, failure);
    const { maxAttempts } = this.options;
    if (attempt < maxAttempts) return 'failed';
    await this.store.park(alertId, at, `${maxAttempts} attempts failed; the last: ${failure}`);
    return 'parked';
  }

  /** The wait before retry `retry` (1 = the first retry), with this deliverer's backoff settings. */
  retryDelayMs(retry: number): number {
    const { baseBackoffMs, maxBackoffMs, random } = this.options;
    return backoffMs(retry, baseBackoffMs, maxBackoffMs, random);
  }

  /** One POST; null when the receiver answered 2xx, else why not. */
  private async post(alert: AlertRecord, delivery: Delivery, signal?: AbortSignal): Promise<string | null> {
    let target: { url: URL; addresses: string[] };
    try {
      // Checked again at every attempt: the host may resolve elsewhere now than at creation.
      target = await checkWebhookUrl(alert.webhookUrl, this.options.policy, this.options.resolveHost);
    } catch (error) {
      if (error instanceof WebhookUrlError) return error.message;
      throw error;
    }
    const timestamp = Math.floor(this.options.now().getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'dispatch-archive-alerts/1',
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signDelivery(alert.secret, timestamp, delivery.body),
      [ALERT_ID_HEADER]: alert.id,
      [DELIVERY_ID_HEADER]: delivery.deliveryId,
    };
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      // A redirect is not followed (it could lead anywhere, past the address check): a failure.
      const status = await postPinned(
        target.url,
        target.addresses,
        headers,
        delivery.body,
        signal ? AbortSignal.any([signal, timeout]) : timeout,
      );
      if (status >= 200 && status < 300) return null;
      return `the receiver answered HTTP ${status}`;
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        return `no answer within ${this.options.timeoutMs} ms`;
      }
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      return `the request failed: ${cause}`;
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
