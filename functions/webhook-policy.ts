import { LOCAL_WEBHOOK_POLICY, STRICT_WEBHOOK_POLICY, type WebhookUrlPolicy } from '@archive/api';

/**
 * The webhook policy of the functions: https and public addresses only (docs/ALERTS.md), unless
 * `ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP=true`, which only the bundled-handler tests set.
 */
export function functionWebhookPolicy(allowLoopbackHttp: 'true' | 'false' | undefined): WebhookUrlPolicy {
  return allowLoopbackHttp === 'true' ? LOCAL_WEBHOOK_POLICY : STRICT_WEBHOOK_POLICY;
}
