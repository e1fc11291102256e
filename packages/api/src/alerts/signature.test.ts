import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs } from './delivery';
import { signDelivery, verifyDelivery } from './signature';

describe('delivery signatures', () => {
  it('verify with the secret, the timestamp and the exact body, within the tolerance', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (secret, body, ts) => {
          const signature = signDelivery(secret, ts, body);
          expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
          expect(verifyDelivery(secret, { signature, timestamp: String(ts) }, body, ts)).toBe(true);
          expect(verifyDelivery(`${secret}x`, { signature, timestamp: String(ts) }, body, ts)).toBe(false);
          expect(verifyDelivery(secret, { signature, timestamp: String(ts) }, `${body}x`, ts)).toBe(false);
          // The timestamp is signed: moving it breaks the signature; a stale one is refused (replay).
          expect(verifyDelivery(secret, { signature, timestamp: String(ts + 1) }, body, ts)).toBe(false);
          expect(verifyDelivery(secret, { signature, timestamp: String(ts) }, body, ts + 301)).toBe(false);
        },
      ),
    );
    expect(verifyDelivery('s', { signature: undefined, timestamp: '1' }, '', 1)).toBe(false);
    expect(verifyDelivery('s', { signature: signDelivery('s', 1, ''), timestamp: '1e0' }, '', 1)).toBe(false);
  });
});

describe('retry backoff', () => {
  it('doubles up to the cap, waiting between half and all of the step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, r) => {
          const step = Math.min(30_000, 1000 * 2 ** (attempt - 1));
          const wait = backoffMs(attempt, 1000, 30_000, () => r);
          expect(wait).toBeGreaterThanOrEqual(step / 2);
          expect(wait).toBeLessThanOrEqual(step);
        },
      ),
    );
  });
});
