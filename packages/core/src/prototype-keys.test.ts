import { describe, expect, it } from 'vitest';
import { PROTOTYPE_KEYS } from '../../../test/fixtures/prototype-keys';
import { parseDispatch } from './parse-dispatch';
import { resolvePlaceTimeZone } from './time-zones';

describe('places named like Object.prototype members (issue 12, finding 1)', () => {
  it.each(PROTOTYPE_KEYS)('resolves no zone for the place %s', (place) => {
    expect(resolvePlaceTimeZone(place)).toBeNull();
  });

  it.each(PROTOTYPE_KEYS)('refuses a JSON dispatch placed in %s as unknown_place', (place) => {
    const result = parseDispatch(
      {
        kind: 'json',
        value: { title: 'Proto place', body: 'Body.', localTime: '2024-05-01T10:00:00', place },
      },
      {},
    );
    expect(result.ok ? 'accepted' : result.error.code).toBe('unknown_place');
  });

  it.each(PROTOTYPE_KEYS)(
    'keeps an offset-bearing time placed in %s at its own offset, zone a string',
    (place) => {
      const result = parseDispatch(
        {
          kind: 'json',
          value: { title: 'Proto place', body: 'Body.', publishedAt: '2024-05-01T10:00:00Z', place },
        },
        {},
      );
      if (!result.ok) throw new Error(result.error.message);
      expect(result.draft.timeZone).toBe('UTC');
    },
  );

  it.each(PROTOTYPE_KEYS)('answers unknown_place, not invalid_time, for a raw dateline in %s', (place) => {
    const result = parseDispatch(
      { kind: 'text', text: `01-05-2024 10:00 AM ${place} Timing\nTitle\n\nBody.` },
      {},
    );
    expect(result.ok ? 'accepted' : result.error.code).toBe('unknown_place');
  });
});
