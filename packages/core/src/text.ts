import { compile } from 'html-to-text';

/**
 * Text as compared, never as stored: NFC, curly quotes folded to straight ones, every run of
 * white space (tabs, NBSP, line breaks) folded to one space, trimmed. Two paragraphs that differ
 * only in those respects are the same paragraph.
 */
export function comparable(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u02BC`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\s\u00A0\u200B\uFEFF]+/g, ' ')
    .trim();
}

/** Strips a byte-order mark and turns CRLF/CR line ends into LF. */
export function normalizeLineEnds(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

const HTML_TAG = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/i;
const HTML_ENTITY = /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i;

/** True when a body looks like HTML (a real tag or an entity), not prose with a `<` in it. */
export function looksLikeHtml(text: string): boolean {
  return HTML_TAG.test(text) || HTML_ENTITY.test(text);
}

/** Compiled once: html-to-text's `convert` recompiles its selectors on every call. */
const convertHtml = compile({
  wordwrap: false,
  preserveNewlines: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable' },
  ],
});

/** How many tags (opening, closing, comments, doctype) an HTML text holds: one regex count, no parse. */
export function countTags(html: string): number {
  return html.match(/<[a-zA-Z/!]/g)?.length ?? 0;
}

/** Turns an HTML body into plain text with blank lines between blocks (html-to-text). */
export function htmlToText(html: string): string {
  return convertHtml(html);
}

/**
 * Text cut at blank lines into raw blocks; `joinParagraphBlocks` makes the paragraphs of them. Two
 * steps so that a limit on paragraphs can be checked (`countParagraphs`) before they are built.
 */
export function paragraphBlocks(text: string): string[] {
  return normalizeLineEnds(text).split(/\n[ \t\u00A0]*\n/);
}

/**
 * How many paragraphs `joinParagraphBlocks` would make of these blocks, without making them: a block
 * is a paragraph when it holds anything `trim` keeps (`\S` is exactly the complement of what
 * `trim` removes). Checking a limit this way costs a tenth of building 25,000 paragraphs.
 */
export function countParagraphs(blocks: readonly string[]): number {
  let count = 0;
  for (const block of blocks) if (/\S/.test(block)) count++;
  return count;
}

/**
 * The paragraphs of raw blocks: the lines of one block are trimmed and joined with a space
 * (hard-wrapped text); empty paragraphs are dropped.
 */
export function joinParagraphBlocks(blocks: readonly string[]): string[] {
  return blocks
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .join(' '),
    )
    .filter((paragraph) => paragraph.length > 0);
}

/** Shortens a value for an error message. */
export function excerpt(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
