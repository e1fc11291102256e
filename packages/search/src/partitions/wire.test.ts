import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMPRESS_ABOVE, fromWire, PayloadTooLargeError, toWire, type WireRequest, wireBytes } from './wire';

describe('wire documents', () => {
  it('carry Maps keyed by any word, including ones that are Object.prototype properties', () => {
    const request: WireRequest = {
      method: 'termStatsEach',
      args: [
        ['2024'],
        {
          df: new Map([
            ['constructor', [1, 2]],
            ['__proto__', [0, 1]],
          ]),
        },
      ],
      expect: [['2024', 'v1']],
    };
    const back = fromWire<WireRequest>(JSON.parse(JSON.stringify(toWire(request))));
    expect(back).toEqual(request);
    expect((back.args[1] as { df: Map<string, number[]> }).df.get('__proto__')).toEqual([0, 1]);
  });

  it('compress large documents and refuse what would exceed Lambda’s 6 MB', () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `word${i}`);
    const large = toWire({ method: 'render', args: [words] });
    expect(large).toHaveProperty('gz');
    expect(wireBytes(large)).toBeLessThan(JSON.stringify(words).length);
    expect(JSON.stringify(words).length).toBeGreaterThan(COMPRESS_ABOVE);
    expect(fromWire<WireRequest>(large).args).toEqual([words]);

    // Random bytes do not compress: 7 MB of them (as base64) cannot be sent.
    const noise = randomBytes(7 * 1024 * 1024).toString('base64');
    expect(() => toWire({ method: 'render', args: [noise] })).toThrow(PayloadTooLargeError);
  });
});
