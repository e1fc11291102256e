import { describe, expect, it } from 'vitest';
import { cleanBody, MAX_HTML_TAGS, MAX_PARAGRAPHS } from './clean-body';
import { parseDispatch } from './parse-dispatch';

const LEAD = 'The main opposition group opened talks on Wednesday about the proposed peace conference.';

describe('bounded body cleaning (issue 12, finding 2)', () => {
  it('refuses a dispatch of more than MAX_PARAGRAPHS paragraphs as too_large, naming the limit', () => {
    const body = Array.from({ length: 25_000 }, (_, i) => `p${i}`).join('\n\n');
    const result = parseDispatch({
      kind: 'json',
      value: { title: 'Many', body, publishedAt: '2024-05-01T10:00:00Z' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('too_large');
    expect(result.error.details).toMatchObject({ field: 'body', limit: MAX_PARAGRAPHS, received: '25000' });
  });

  it('refuses an HTML body of more than MAX_HTML_TAGS tags before converting it, and accepts one at the limit', () => {
    const html = (tags: number) => `<div>${'<b>x</b>'.repeat((tags - 2) / 2)}</div>`;
    const over = parseDispatch({
      kind: 'json',
      value: { title: 'Tags', body: html(MAX_HTML_TAGS + 2), publishedAt: '2024-05-01T10:00:00Z' },
    });
    expect(!over.ok && over.error.details).toMatchObject({
      field: 'body',
      limit: MAX_HTML_TAGS,
      received: String(MAX_HTML_TAGS + 2),
    });
    const at = parseDispatch({
      kind: 'json',
      value: { title: 'Tags', body: html(MAX_HTML_TAGS), publishedAt: '2024-05-01T10:00:00Z' },
    });
    expect(at.ok).toBe(true);
  });

  it('accepts exactly MAX_PARAGRAPHS paragraphs', () => {
    const body = Array.from({ length: MAX_PARAGRAPHS }, (_, i) => `p${i}`);
    const result = parseDispatch({
      kind: 'json',
      value: { title: 'Many', body, publishedAt: '2024-05-01T10:00:00Z' },
    });
    expect(result.ok && result.draft.paragraphs.length).toBe(MAX_PARAGRAPHS);
  });

  it('still finds a caption glued to a repeat of the lead after many paragraphs, and drops repeats', () => {
    const middle = Array.from({ length: MAX_PARAGRAPHS - 10 }, (_, i) => `Paragraph number ${i}.`);
    const cleaned = cleanBody('Title', [
      LEAD,
      ...middle,
      `Amman, the summit: ${LEAD}`,
      'Paragraph number 3.',
    ]);
    expect(cleaned.caption).toBe('Amman, the summit:');
    expect(cleaned.paragraphs).toEqual([LEAD, ...middle]);
    expect(cleaned.diagnostics.map((d) => d.code)).toEqual([
      'caption_extracted',
      'duplicate_paragraph_dropped',
    ]);
  });

  it('keeps the clean lead in place when the glued version came first', () => {
    const cleaned = cleanBody('Title', [`Amman, the summit: ${LEAD}`, 'Second.', LEAD]);
    expect(cleaned).toMatchObject({ caption: 'Amman, the summit:', paragraphs: [LEAD, 'Second.'] });
  });
});

describe('titles are plain text (issue 12, CLI findings)', () => {
  it('decodes HTML entities in a raw dispatch title, as in its HTML body', () => {
    const text =
      '01-05-2024 10:00 AM London Timing\nMuseum Opens New Wing &amp; Garden\n\n<p>The museum&#39;s new wing opened.</p>';
    const result = parseDispatch({ kind: 'text', text });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.draft.title).toBe('Museum Opens New Wing & Garden');
    expect(result.draft.paragraphs).toEqual(["The museum's new wing opened."]);
  });

  it('decodes them in a JSON title and leaves a plain ampersand alone', () => {
    const parse = (title: string) =>
      parseDispatch({ kind: 'json', value: { title, body: 'Text.', publishedAt: '2024-05-01T10:00:00Z' } });
    const decoded = parse('Caf&eacute; &quot;Reopens&quot;');
    const plain = parse('Q&A: rates & prices');
    expect(decoded.ok && decoded.draft.title).toBe('Café "Reopens"');
    expect(plain.ok && plain.draft.title).toBe('Q&A: rates & prices');
  });
});

describe('title decoding keeps markup-like text', () => {
  it('leaves a title with angle brackets as typed', () => {
    const result = parseDispatch({
      kind: 'json',
      value: {
        title: 'Hostile <script>x()</script> &amp; more',
        body: 'Text.',
        publishedAt: '2024-05-01T10:00:00Z',
      },
    });
    expect(result.ok && result.draft.title).toBe('Hostile <script>x()</script> & more');
  });
});
