import type { Diagnostic } from './diagnostics';
import { comparable, excerpt } from './text';

/** A glued caption is short; anything longer is a paragraph of its own. */
const MAX_CAPTION_LENGTH = 200;
/** A paragraph must be this long to count as a repeated lead, so short lines ("(Reuters)") never do. */
const MIN_REPEATED_LEAD_LENGTH = 40;

export interface CleanBody {
  paragraphs: string[];
  caption: string | null;
  diagnostics: Diagnostic[];
}

/**
 * Most paragraphs one dispatch may have (README, "Limits"). A 256 KiB dispatch of one-word
 * paragraphs would otherwise be some 40,000 paragraphs: far beyond any article, and each costs
 * index and storage overhead.
 */
export const MAX_PARAGRAPHS = 2000;

/**
 * Most HTML tags one dispatch body may have. Converting HTML to text costs ~8 µs a tag
 * (html-to-text, measured): 24,000 empty paragraphs, which fit in 256 KiB, held the event loop
 * ~200 ms for one item. An article's markup is a few hundred tags; tables of several thousand
 * cells still fit.
 */
export const MAX_HTML_TAGS = 5000;

/**
 * A caption is glued to a repeat of the lead, so only the first few kept paragraphs are candidates
 * for a glued repeat. Comparing every paragraph with every earlier one made cleaning quadratic in
 * the number of paragraphs (issue 12: 25,000 paragraphs took seconds); with this window it is linear.
 */
const LEAD_WINDOW = 5;

interface Kept {
  text: string;
  key: string;
}

/**
 * Cleans a body as dispatches arrive: drops repeats of the title at its start, drops paragraphs
 * that repeat an earlier one, and turns a repeated lead (one of the first {@link LEAD_WINDOW}
 * paragraphs) with a short prefix glued to its front (`Syria: Friends of Syria group, Amman` +
 * the lead) into the article's caption. Texts are compared through {@link comparable}; the
 * original characters are kept. Linear in the body's length.
 */
export function cleanBody(title: string, paragraphs: readonly string[]): CleanBody {
  const titleKey = comparable(title);
  const kept: Kept[] = [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  let caption: string | null = null;

  for (const text of paragraphs) {
    const key = comparable(text);
    if (key.length === 0) continue;
    if (kept.length === 0 && key === titleKey) {
      diagnostics.push({ code: 'title_repeat_dropped', message: 'A repeat of the title was dropped.' });
      continue;
    }
    if (seen.has(key)) {
      diagnostics.push({
        code: 'duplicate_paragraph_dropped',
        message: `A repeated paragraph was dropped: "${excerpt(text, 60)}"`,
      });
      continue;
    }
    if (caption === null) {
      const leads = kept.slice(0, LEAD_WINDOW);
      // This paragraph is an earlier one with a caption glued to its front.
      const lead = leads.find((k) => isGluedRepeat(key, k.key));
      if (lead) {
        caption = gluedPrefix(text, lead.key);
        diagnostics.push(captionDiagnostic(caption));
        continue;
      }
      // An earlier paragraph was this one with a caption glued on: keep the clean text in its place.
      const glued = leads.find((k) => isGluedRepeat(k.key, key));
      if (glued) {
        caption = gluedPrefix(glued.text, key);
        seen.delete(glued.key);
        glued.text = text;
        glued.key = key;
        seen.add(key);
        diagnostics.push(captionDiagnostic(caption));
        continue;
      }
    }
    kept.push({ text, key });
    seen.add(key);
  }
  return { paragraphs: kept.map((k) => k.text), caption, diagnostics };
}

function isGluedRepeat(candidate: string, lead: string): boolean {
  const prefixLength = candidate.length - lead.length;
  return (
    lead.length >= MIN_REPEATED_LEAD_LENGTH &&
    prefixLength > 0 &&
    prefixLength <= MAX_CAPTION_LENGTH &&
    candidate.endsWith(lead)
  );
}

/** The original characters in front of `suffixKey` in `text` (comparison is on normalised text). */
function gluedPrefix(text: string, suffixKey: string): string {
  const limit = Math.min(text.length, MAX_CAPTION_LENGTH * 2);
  for (let i = 1; i <= limit; i++) {
    if (comparable(text.slice(i)) === suffixKey) return text.slice(0, i).trim();
  }
  // Unreachable when isGluedRepeat held; keep the whole text rather than lose it.
  return text.trim();
}

function captionDiagnostic(caption: string): Diagnostic {
  return {
    code: 'caption_extracted',
    message: `A repeated lead with a caption glued to its front was dropped; caption: "${excerpt(caption, 60)}"`,
  };
}
