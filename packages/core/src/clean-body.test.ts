import { describe, expect, it } from 'vitest';
import { cleanBody, MAX_PARAGRAPHS } from './clean-body';
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
