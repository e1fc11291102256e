import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDispatch } from './parse-dispatch';

const sample = readFileSync(new URL('../../../test/fixtures/sample-dispatch.txt', import.meta.url), 'utf8');

function parseText(text: string, options = {}) {
  return parseDispatch({ kind: 'text', text }, options);
}

function draftOf(text: string) {
  const result = parseText(text);
  if (!result.ok) throw new Error(`expected an article, got ${result.error.code}: ${result.error.message}`);
  return result;
}

function errorOf(input: Parameters<typeof parseDispatch>[0], options = {}) {
  const result = parseDispatch(input, options);
  if (result.ok) throw new Error('expected a validation error');
  return result.error;
}

describe('the sample dispatch', () => {
  const { draft, diagnostics } = draftOf(sample);

  it('yields the article the product expects', () => {
    expect(draft.title).toBe('Syria Opposition Discuss US-Russia Peace Initiative');
    expect(draft.publishedAt).toBe('2024-11-27T20:30:00Z');
    expect(draft.localTime).toBe('2024-11-27T22:30:00+02:00');
    expect(draft.timeZone).toBe('Asia/Jerusalem');
    expect(draft.place).toBe('Jerusalem');
    expect(draft.caption).toBe('Syria: Friends of Syria group, Amman');
    expect(draft.paragraphs).toHaveLength(9);
    expect(draft.language).toBe('en');
  });

  it('keeps the lead once, with its original curly apostrophe', () => {
    const leads = draft.paragraphs.filter((p) => p.includes('main opposition group opened key talks'));
    expect(leads).toEqual([expect.stringMatching(/^Syria’s main opposition/)]);
    expect(draft.paragraphs[8]).toMatch(/^Syria was hit by a violent unrest/);
  });

  it('reports what it dropped', () => {
    expect(diagnostics.map((d) => d.code)).toEqual(['title_repeat_dropped', 'caption_extracted']);
  });

  it('gives the same id and hash for the same dispatch with CRLF, a BOM, tabs and trailing spaces', () => {
    const mangled = `\uFEFF${sample.replace(/\n/g, ' \t\r\n')}`;
    const again = draftOf(mangled).draft;
    expect(again.id).toBe(draft.id);
    expect(again.contentHash).toBe(draft.contentHash);
  });
});

describe('time zones and DST', () => {
  const dispatch = (dateline: string) => `${dateline}\n\nTitle here\n\nBody paragraph.`;

  it('uses summer time in July (UTC+3 in Jerusalem)', () => {
    const { draft } = draftOf(dispatch('27-07-2024 10:30 PM Jerusalem Timing'));
    expect(draft.publishedAt).toBe('2024-07-27T19:30:00Z');
    expect(draft.localTime).toBe('2024-07-27T22:30:00+03:00');
  });

  it('resolves newsroom places and IANA city names', () => {
    expect(draftOf(dispatch('01-01-2025 09:00 AM Tel Aviv Timing')).draft.timeZone).toBe('Asia/Jerusalem');
    expect(draftOf(dispatch('01-01-2025 09:00 AM New York Timing')).draft.publishedAt).toBe(
      '2025-01-01T14:00:00Z',
    );
    expect(draftOf(dispatch('01-07-2025 09:00 AM London Timing')).draft.publishedAt).toBe(
      '2025-07-01T08:00:00Z',
    );
    expect(draftOf(dispatch('01-01-2025 09:00 AM Tehran Timing')).draft.publishedAt).toBe(
      '2025-01-01T05:30:00Z',
    );
    expect(draftOf(dispatch('01-01-2025 09:00 AM Europe/Paris Timing')).draft.timeZone).toBe('Europe/Paris');
  });

  it('reads 12 AM as midnight and 12 PM as noon', () => {
    expect(draftOf(dispatch('05-01-2025 12:15 AM London Timing')).draft.publishedAt).toBe(
      '2025-01-05T00:15:00Z',
    );
    expect(draftOf(dispatch('05-01-2025 12:15 PM London Timing')).draft.publishedAt).toBe(
      '2025-01-05T12:15:00Z',
    );
  });

  it('moves a wall time in a spring-forward gap forward, and says so', () => {
    const { draft, diagnostics } = draftOf(dispatch('31-03-2024 01:30 AM London Timing'));
    expect(draft.publishedAt).toBe('2024-03-31T01:30:00Z');
    expect(draft.localTime).toBe('2024-03-31T02:30:00+01:00');
    expect(diagnostics.map((d) => d.code)).toContain('dst_gap_shifted');
  });

  it('takes the earlier instant of a fall-back overlap, and says so', () => {
    const { draft, diagnostics } = draftOf(dispatch('27-10-2024 01:30 AM London Timing'));
    expect(draft.publishedAt).toBe('2024-10-27T00:30:00Z');
    expect(diagnostics.map((d) => d.code)).toContain('dst_overlap_earlier_offset');
  });

  it('rejects an unknown place, naming it and how to supply a zone', () => {
    const error = errorOf({ kind: 'text', text: dispatch('01-01-2025 09:00 AM Atlantis Timing') });
    expect(error.code).toBe('unknown_place');
    expect(error.message).toContain('Atlantis');
    expect(error.message).toContain('timeZone');
  });

  it('uses the default zone for an unknown place when one is given', () => {
    const result = parseText(dispatch('01-01-2025 09:00 AM Atlantis Timing'), {
      defaultTimeZone: 'Asia/Tokyo',
    });
    expect(result.ok && result.draft.publishedAt).toBe('2025-01-01T00:00:00Z');
  });

  it('rejects impossible dates', () => {
    expect(errorOf({ kind: 'text', text: dispatch('31-02-2025 09:00 AM London Timing') }).code).toBe(
      'invalid_time',
    );
    expect(errorOf({ kind: 'text', text: dispatch('01-01-2025 13:00 PM London Timing') }).code).toBe(
      'missing_dateline',
    );
  });
});

describe('missing parts', () => {
  it('names a missing dateline and the expected format', () => {
    const error = errorOf({ kind: 'text', text: 'Just a title\n\nAnd a body.' });
    expect(error.code).toBe('missing_dateline');
    expect(error.details.expected).toBe('DD-MM-YYYY hh:mm AM|PM <Place> Timing');
  });

  it('names a missing title', () => {
    expect(errorOf({ kind: 'text', text: '27-11-2024 10:30 PM Jerusalem Timing\n\n  \n' }).code).toBe(
      'missing_title',
    );
  });

  it('names an empty body, including a body that only repeats the title', () => {
    expect(errorOf({ kind: 'text', text: '27-11-2024 10:30 PM Jerusalem Timing\n\nTitle' }).code).toBe(
      'empty_body',
    );
    expect(
      errorOf({ kind: 'text', text: '27-11-2024 10:30 PM Jerusalem Timing\n\nTitle\n\nTitle' }).code,
    ).toBe('empty_body');
  });

  it('rejects empty input', () => {
    expect(errorOf({ kind: 'text', text: '' }).code).toBe('missing_dateline');
  });
});

describe('bodies', () => {
  const head = '27-11-2024 10:30 PM Beirut Timing\n\nA title\n\n';

  it('turns HTML into text paragraphs', () => {
    const { draft, diagnostics } = draftOf(
      `${head}<p>First <b>bold</b> paragraph.</p><p>Second &amp; last.</p>`,
    );
    expect(draft.paragraphs).toEqual(['First bold paragraph.', 'Second & last.']);
    expect(diagnostics.map((d) => d.code)).toContain('html_converted');
  });

  it('keeps prose with a less-than sign as text', () => {
    expect(draftOf(`${head}Inflation fell to < 3% in May.`).draft.paragraphs).toEqual([
      'Inflation fell to < 3% in May.',
    ]);
  });

  it('keeps Arabic text intact and tags its language', () => {
    const arabic = 'قالت المعارضة السورية إنها ستناقش المبادرة الأمريكية الروسية في إسطنبول.';
    const { draft } = draftOf(
      `27-11-2024 10:30 PM Damascus Timing\n\nالمعارضة السورية تناقش المبادرة\n\n${arabic}`,
    );
    expect(draft.paragraphs).toEqual([arabic]);
    expect(draft.language).toBe('ar');
    expect(draft.timeZone).toBe('Asia/Damascus');
  });

  it('joins hard-wrapped lines and keeps very long paragraphs whole', () => {
    const long = 'word '.repeat(20_000).trim();
    const { draft } = draftOf(`${head}line one\nline two\n\n${long}`);
    expect(draft.paragraphs).toEqual(['line one line two', long]);
  });

  it('drops a paragraph that repeats an earlier one, whatever its quotes and spacing', () => {
    const { draft } = draftOf(`${head}He said “no” to the plan.\n\nHe  said "no" to the plan.\n\nEnd.`);
    expect(draft.paragraphs).toEqual(['He said “no” to the plan.', 'End.']);
  });

  it('extracts a caption glued to a lead that comes before the clean lead', () => {
    const lead = 'The ministers met in Geneva on Monday to discuss the ceasefire proposal in detail.';
    const { draft } = draftOf(`${head}Photo: talks in Geneva${lead}\n\n${lead}\n\nSecond paragraph.`);
    expect(draft.caption).toBe('Photo: talks in Geneva');
    expect(draft.paragraphs).toEqual([lead, 'Second paragraph.']);
  });

  it('does not treat a short repeated line as a lead', () => {
    const { draft } = draftOf(`${head}(Reuters)\n\nMore from (Reuters)`);
    expect(draft.caption).toBeNull();
    expect(draft.paragraphs).toEqual(['(Reuters)', 'More from (Reuters)']);
  });
});

describe('JSON dispatches', () => {
  const base = { title: 'Talks resume', body: ['First.', 'Second.'] };

  it('accepts publishedAt with an offset, shown in the place zone', () => {
    const result = parseDispatch({
      kind: 'json',
      value: {
        ...base,
        publishedAt: '2024-11-27T22:30:00+02:00',
        place: 'Jerusalem',
        tags: ['syria', 'syria'],
      },
    });
    expect(result.ok && result.draft).toMatchObject({
      publishedAt: '2024-11-27T20:30:00Z',
      localTime: '2024-11-27T22:30:00+02:00',
      timeZone: 'Asia/Jerusalem',
      tags: ['syria'],
    });
  });

  it('accepts a local time with a zone, and a body string with paragraphs', () => {
    const result = parseDispatch({
      kind: 'json',
      value: {
        title: 'T',
        body: 'One.\n\nTwo.',
        localTime: '2024-07-01T10:00',
        timeZone: 'America/New_York',
      },
    });
    expect(result.ok && result.draft.publishedAt).toBe('2024-07-01T14:00:00Z');
    expect(result.ok && result.draft.paragraphs).toEqual(['One.', 'Two.']);
  });

  it('accepts a raw-format dateline field', () => {
    const result = parseDispatch({
      kind: 'json',
      value: { ...base, dateline: '27-11-2024 10:30 PM Jerusalem Timing' },
    });
    expect(result.ok && result.draft.publishedAt).toBe('2024-11-27T20:30:00Z');
  });

  it('gives the same id as the raw format for the same dispatch', () => {
    const raw = draftOf(sample).draft;
    const json = parseDispatch({
      kind: 'json',
      value: {
        title: raw.title,
        body: raw.paragraphs,
        publishedAt: '2024-11-27T20:30:00Z',
        place: 'Jerusalem',
      },
    });
    expect(json.ok && json.draft.id).toBe(raw.id);
  });

  it.each([
    [{ body: 'x', publishedAt: '2024-01-01T00:00:00Z' }, 'missing_title'],
    [{ title: 'x', publishedAt: '2024-01-01T00:00:00Z' }, 'empty_body'],
    [{ title: 'x', body: [' '], publishedAt: '2024-01-01T00:00:00Z' }, 'empty_body'],
    [{ title: 'x', body: 'y' }, 'missing_dateline'],
    [{ title: 'x', body: 'y', publishedAt: null }, 'missing_dateline'],
    [{ title: 'x', body: 'y', publishedAt: 'yesterday' }, 'invalid_time'],
    [{ title: 'x', body: 'y', localTime: '2024-01-01T10:00' }, 'invalid_time'],
    [{ title: 'x', body: 'y', localTime: '2024-01-01T10:00', place: 'Atlantis' }, 'unknown_place'],
    [
      { title: 'x', body: 'y', publishedAt: '2024-01-01T00:00:00Z', timeZone: 'Mars/Olympus' },
      'invalid_field',
    ],
    [
      { title: 'x', body: 'y', publishedAt: '2024-01-01T00:00:00Z', url: 'javascript:alert(1)' },
      'invalid_field',
    ],
    [{ title: 'x', body: 'y', publishedAt: '2024-01-01T00:00:00Z', tags: 'syria' }, 'invalid_field'],
    [['not', 'an', 'object'], 'malformed'],
  ])('rejects %j with %s', (value, code) => {
    expect(errorOf({ kind: 'json', value }).code).toBe(code);
  });
});
