import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countParagraphs, joinParagraphBlocks, paragraphBlocks } from './text';

describe('paragraphs', () => {
  it('joins hard-wrapped lines and drops empty paragraphs', () => {
    const blocks = paragraphBlocks('\uFEFFOne\r\n  line two \r\n\r\n \u00A0\n\n\nTwo\n\t\nThree');
    expect(joinParagraphBlocks(blocks)).toEqual(['One line two', 'Two', 'Three']);
    expect(countParagraphs(blocks)).toBe(3);
  });

  it('counts exactly the paragraphs it would build, whatever the white space', () => {
    const piece = fc.constantFrom(
      'a',
      'b c',
      ' ',
      '\t',
      '\n',
      '\r\n',
      '\r',
      '\u00A0',
      '\u2003',
      '\u200B',
      '\uFEFF',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const blocks = paragraphBlocks(pieces.join(''));
        expect(countParagraphs(blocks)).toBe(joinParagraphBlocks(blocks).length);
      }),
      { numRuns: 500 },
    );
  });
});
