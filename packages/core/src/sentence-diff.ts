/**
 * What changed between two versions of a story's text, by sentence: the sentences only the newer
 * has (added) and only the older has (removed), in text order. A longest common subsequence of
 * sentences decides what was kept, so a moved-up paragraph counts as removed and added once.
 * Sentences are compared on normalised text (case, spacing and quotes folded).
 *
 * Sentence splitting uses Intl.Segmenter (ICU's sentence rules), then rejoins the breaks ICU makes
 * after titles and initials ("Mr.", "U.S."), which news copy is full of.
 */

export interface SentenceDiff {
  added: string[];
  removed: string[];
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** A segment ending so does not end a sentence: a title, or initials such as "U.S." or "J.". */
const NOT_AN_END =
  /(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Sen|Rep|Gov|St|Jr|Sr|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b(?:[A-Z]\.)*[A-Z])\.$/;

/** The sentences of paragraphs, trimmed, empty ones dropped. */
export function sentences(paragraphs: readonly string[]): string[] {
  const out: string[] = [];
  for (const paragraph of paragraphs) {
    let pending = '';
    for (const { segment } of segmenter.segment(paragraph)) {
      pending += segment;
      const sentence = pending.trim();
      if (sentence && !NOT_AN_END.test(sentence)) {
        out.push(sentence);
        pending = '';
      }
    }
    if (pending.trim()) out.push(pending.trim());
  }
  return out;
}

function comparableSentence(sentence: string): string {
  return sentence
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Above this many cells the LCS table is not built: the texts are reported as replaced wholesale. */
const MAX_CELLS = 4_000_000;

export function diffSentences(older: readonly string[], newer: readonly string[]): SentenceDiff {
  const a = older.map(comparableSentence);
  const b = newer.map(comparableSentence);
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) return { added: [...newer], removed: [...older] };
  // lcs[i][j]: LCS length of a[i..] and b[j..], one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if ((lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number)) {
      removed.push(older[i++] as string);
    } else {
      added.push(newer[j++] as string);
    }
  }
  while (i < n) removed.push(older[i++] as string);
  while (j < m) added.push(newer[j++] as string);
  return { added, removed };
}
