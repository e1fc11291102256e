import { describe, expect, it } from 'vitest';
import { ANALYZER } from '../minisearch/index-definition';
import { bestSnippet, escapeHtml, highlightAll, SNIPPET_SCAN_CHARS } from './snippet';

const terms = (...words: string[]) => new Set(words.map((w) => ANALYZER.term(w) as string));

describe('snippets', () => {
  it('marks every token whose analysed form matched (stems, possessives)', () => {
    const out = highlightAll(
      "Syria's negotiators negotiated; Syria talks",
      terms('syria', 'negotiation'),
      ANALYZER,
    );
    expect(out).toBe(
      '<mark>Syria&#39;s</mark> <mark>negotiators</mark> <mark>negotiated</mark>; <mark>Syria</mark> talks',
    );
  });

  it('marks fuzzy and prefix matches given as matched index terms', () => {
    // The engine passes MiniSearch's matched index terms, e.g. `geneva` for `genevva~1`.
    expect(highlightAll('Talks in Geneva', new Set(['geneva']), ANALYZER)).toBe(
      'Talks in <mark>Geneva</mark>',
    );
  });

  it('escapes text around and inside marks', () => {
    expect(highlightAll('<b>AT&T</b> "deal"', terms('deal', 'at'), ANALYZER)).toBe(
      '&lt;b&gt;AT&amp;T&lt;/b&gt; &quot;<mark>deal</mark>&quot;',
    );
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('picks the passage with the most distinct matched terms and adds ellipses', () => {
    const filler = 'Lorem ipsum dolor sit amet. '.repeat(20);
    const text = `${filler}Kerry met. ${filler}Kerry and Hague discussed Geneva. ${filler}`;
    const out = bestSnippet(text, terms('kerry', 'hague', 'geneva'), ANALYZER);
    expect(out).toContain('<mark>Kerry</mark> and <mark>Hague</mark> discussed <mark>Geneva</mark>');
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    expect(out.replace(/<\/?mark>/g, '').length).toBeLessThan(260);
  });

  it('falls back to the beginning of the text when nothing matched', () => {
    const text = 'word '.repeat(100);
    const out = bestSnippet(text, new Set(), ANALYZER);
    expect(text.startsWith(out.slice(0, -1))).toBe(true);
    expect(out.endsWith('…')).toBe(true);
  });

  it('reads at most SNIPPET_SCAN_CHARS of a body: a match past it leaves the lead', () => {
    const filler = 'Lorem ipsum dolor sit amet. '.repeat(Math.ceil(SNIPPET_SCAN_CHARS / 28));
    expect(bestSnippet(`${filler}Geneva talks.`, terms('geneva'), ANALYZER)).toMatch(/^Lorem ipsum[^<]*…$/);
    expect(bestSnippet(`Geneva talks. ${filler}`, terms('geneva'), ANALYZER)).toMatch(
      /^<mark>Geneva<\/mark>/,
    );
  });
});
