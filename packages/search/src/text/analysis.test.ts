import { describe, expect, it } from 'vitest';
import { ANALYZER } from '../minisearch/index-definition';
import { createAnalyzer, fold, tokenize, tokenizeWithOffsets } from './analysis';
import { LUCENE_STOP_WORDS } from './stop-words';

describe('analysis', () => {
  it('drops possessives with straight and typographic apostrophes', () => {
    expect(ANALYZER.term("Syria's")).toBe('syria');
    expect(ANALYZER.term('Syria’s')).toBe('syria');
    expect(ANALYZER.term('Syria')).toBe('syria');
  });

  it('folds case and diacritics', () => {
    expect(fold('Zürich')).toBe('zurich');
    expect(fold('CRÈME')).toBe('creme');
    expect(ANALYZER.term('Café')).toBe(ANALYZER.term('cafe'));
    expect(ANALYZER.term('naïve')).toBe(ANALYZER.term('naive'));
  });

  it('tokenizes Arabic and folds hamza forms and tatweel', () => {
    expect(tokenize('قالت المعارضة السورية')).toEqual(['قالت', 'المعارضة', 'السورية']);
    expect(fold('أحمد')).toBe('احمد');
    expect(fold('ســلام')).toBe('سلام');
    expect(ANALYZER.term('السلام')).toBe('السلام');
  });

  it('splits on punctuation and hyphens but keeps inner apostrophes', () => {
    expect(tokenize('US-Russia peace, (Geneva 2); can’t')).toEqual([
      'US',
      'Russia',
      'peace',
      'Geneva',
      '2',
      'can’t',
    ]);
  });

  it('removes stop words and stems with Porter', () => {
    expect(ANALYZER.term('the')).toBeNull();
    expect(ANALYZER.terms('The negotiations were negotiated')).toEqual(['negoti', 'negoti']);
    expect(ANALYZER.term('initiative')).toBe(ANALYZER.term('initiatives'));
  });

  it('reports offsets that point into the original text', () => {
    const text = 'Syria’s talks in Genève';
    for (const t of tokenizeWithOffsets(text)) expect(text.slice(t.start, t.end)).toBe(t.text);
  });

  it('can be built without stemming or with another stop list', () => {
    const plain = createAnalyzer({ stopWords: LUCENE_STOP_WORDS, stem: false });
    expect(plain.term('negotiations')).toBe('negotiations');
    expect(plain.term('what')).toBe('what');
  });
});
