import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How deliveries are signed (documented in docs/ALERTS.md): the signature is the hex HMAC-SHA256,
 * keyed with the alert's secret, of `<timestamp>.<body>`, where the timestamp is the Unix time in
 * seconds sent in {@link TIMESTAMP_HEADER}. Signing the timestamp with the body lets a receiver
 * refuse replays: it checks the signature, then that the timestamp is recent.
 */
export const SIGNATURE_HEADER = 'x-archive-signature';
export const TIMESTAMP_HEADER = 'x-archive-timestamp';
export const ALERT_ID_HEADER = 'x-archive-alert-id';
export const DELIVERY_ID_HEADER = 'x-archive-delivery-id';
const SCHEME = 'v1=';

/** The value of {@link SIGNATURE_HEADER}: `v1=<hex HMAC-SHA256 of "timestamp.body">`. */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return SCHEME + createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * What a receiver does: true when the signature is the alert's and the timestamp is within
 * `toleranceSeconds` of `nowSeconds` (default 5 minutes).
 */
export function verifyDelivery(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signDelivery(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
