import fc from 'fast-check';
import { PROTOTYPE_KEYS } from '../../fixtures/prototype-keys';

export interface FuzzRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  auth?: 'good' | 'bad';
}

const nasty = fc.constantFrom(
  ...PROTOTYPE_KEYS,
  '',
  ' ',
  '*',
  '~',
  '"',
  '(',
  ')',
  'OR',
  'AND',
  '-',
  'title:',
  'e\u0301\u0301*',
  'a*',
  'zz~2',
  '\u0000',
  '\uFFFF',
  '😀',
  '<script>',
  '&amp;',
  '../../etc/passwd',
  '%00',
  'Europe/Paris',
  'Jerusalem',
  '2024-05-01T10:00:00Z',
  '2024-13-45',
  '9'.repeat(30),
  'x'.repeat(300),
);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), nasty);
const words = fc.array(text, { maxLength: 6 }).map((parts) => parts.join(' '));
const jsonValue = fc.oneof(
  text,
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(text, { maxLength: 3 }),
);

const dispatch = fc.record(
  {
    title: fc.oneof(words, fc.constant('Fuzzed title')),
    body: fc.oneof(words, fc.array(words, { maxLength: 4 }), fc.constant('Fuzzed body.')),
    publishedAt: fc.oneof(text, fc.constant('2024-05-01T10:00:00Z')),
    localTime: fc.oneof(text, fc.constant('2024-05-01T10:00:00')),
    place: text,
    timeZone: text,
    source: text,
    language: text,
    tags: fc.array(text, { maxLength: 4 }),
    url: text,
    caption: text,
  },
  { requiredKeys: [] },
);
/** A dispatch the server accepts, with one field replaced by generated text. */
const validDispatch = fc
  .tuple(
    words,
    fc.constantFrom('place', 'source', 'tags', 'language', 'caption', 'timeZone'),
    text,
    fc.nat(100_000),
  )
  .map(([title, field, value, n]) => ({
    title: `Fuzz ${n} ${title}`,
    body: ['A paragraph of the fuzzed dispatch.', title],
    publishedAt: `2024-0${(n % 9) + 1}-01T10:00:00Z`,
    [field]: field === 'tags' ? [value] : value,
  }));
const extraKeys = fc.dictionary(text, jsonValue, { maxKeys: 3 });
const anyDispatch = fc.oneof(
  fc.tuple(dispatch, extraKeys).map(([d, extra]) => ({ ...extra, ...d })),
  validDispatch,
);
const query = (names: string[]) =>
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...names), text), words), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const SEARCH_PARAMS = [
  'q',
  'mode',
  'from',
  'to',
  'place',
  'source',
  'language',
  'tag',
  'sort',
  'limit',
  'cursor',
];

const request: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 4, arbitrary: query(SEARCH_PARAMS).map((qs) => ({ method: 'GET', path: `/search?${qs}` })) },
  { weight: 1, arbitrary: query(['q', 'limit']).map((qs) => ({ method: 'GET', path: `/suggest?${qs}` })) },
  {
    weight: 1,
    arbitrary: text.map((id) => ({ method: 'GET', path: `/articles/${encodeURIComponent(id)}` })),
  },
  {
    weight: 1,
    arbitrary: text.map((id) => ({
      method: 'DELETE',
      path: `/articles/${encodeURIComponent(id)}`,
      auth: 'good' as const,
    })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(anyDispatch, query(['restore', 'timeZone', 'source'])).map(([d, qs]) => ({
      method: 'POST',
      path: `/dispatches?${qs}`,
      auth: 'good' as const,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(d),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.array(anyDispatch, { maxLength: 5 }).map((items) => ({
      method: 'POST',
      path: '/dispatches',
      auth: 'good' as const,
      headers: { 'content-type': 'application/x-ndjson' },
      body: items.map((d) => JSON.stringify(d)).join('\n'),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(text, words, words).map(([place, title, body]) => ({
      method: 'POST',
      path: '/dispatches',
      auth: 'good' as const,
      headers: { 'content-type': 'text/plain' },
      body: `01-05-2024 10:00 AM ${place} Timing\n${title}\n\n${body}`,
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/json',
          'text/html',
          'application/json; charset=latin1',
          '',
        ),
        fc.string({ maxLength: 200 }),
      )
      .map(([type, body]) => ({
        method: 'POST',
        path: '/dispatches',
        auth: 'good' as const,
        headers: (type ? { 'content-type': type } : {}) as Record<string, string>,
        body,
      })),
  },
  { weight: 1, arbitrary: text.map((p) => ({ method: 'GET', path: `/${encodeURIComponent(p)}` })) },
  { weight: 1, arbitrary: query(['x']).map((qs) => ({ method: 'GET', path: `/health?${qs}` })) },
);

/**
 * `count` generated requests (seeded, so a failure replays). At most 15 carry a wrong key: the
 * server's failed-auth limit (20 a minute) would otherwise turn every later write into a 429.
 */
export function fuzzRequests(count: number, seed: number): FuzzRequest[] {
  const out = fc.sample(request, { numRuns: count, seed });
  for (let i = 0; i < 15 && i * 97 < out.length; i++) {
    const r = out[i * 97] as FuzzRequest;
    out[i * 97] = { ...r, auth: 'bad' };
  }
  return out;
}
