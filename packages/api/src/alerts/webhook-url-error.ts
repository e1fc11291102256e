/*
 * Apart from webhook-url.ts so that the routes can name them without bundling the address checks
 * (ipaddr.js, DNS) into every function: only what creates or delivers alerts needs those.
 */

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Why a webhook URL is refused; the message is shown to the client or stored as a parked reason. */
export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
}
