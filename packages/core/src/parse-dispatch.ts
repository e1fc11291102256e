import { decodeHTML } from 'entities';
import type { ArticleDraft } from './article';
import { cleanBody, MAX_HTML_TAGS, MAX_PARAGRAPHS } from './clean-body';
import type { Diagnostic } from './diagnostics';
import { type DispatchTime, timeFromIso, timeFromWall } from './dispatch-time';
import { DispatchValidationError } from './errors';
import { articleId, contentHash } from './identity';
import { type JsonDispatch, readJsonDispatch } from './json-dispatch';
import { readDateline, readRawDispatch } from './raw-dispatch';
import {
  countParagraphs,
  countTags,
  htmlToText,
  joinParagraphBlocks,
  looksLikeHtml,
  paragraphBlocks,
} from './text';

/** One dispatch as received: raw text (the wire format) or a decoded JSON value. */
export type DispatchInput = { kind: 'text'; text: string } | { kind: 'json'; value: unknown };

export interface ParseOptions {
  /** Zone for times that carry neither offset nor a known place (CLI `--time-zone`, `?timeZone=`). */
  defaultTimeZone?: string;
  /** Source to record when the dispatch names none. */
  defaultSource?: string;
}

export type ParseResult =
  | { ok: true; draft: ArticleDraft; diagnostics: Diagnostic[] }
  | { ok: false; error: DispatchValidationError };

interface Parts {
  title: string;
  bodyParagraphs: string[];
  time: DispatchTime;
  caption?: string | null;
  source?: string | null;
  url?: string | null;
  language?: string;
  tags?: string[];
  diagnostics: Diagnostic[];
}

/**
 * Parses one dispatch, raw or JSON, into a clean article draft. Never throws: any input yields
 * a draft or a typed {@link DispatchValidationError}.
 *
 * @example
 * const result = parseDispatch({ kind: 'text', text: fs.readFileSync('sample-dispatch.txt', 'utf8') });
 * if (result.ok) console.log(result.draft.publishedAt); // '2024-11-27T20:30:00Z'
 */
export function parseDispatch(input: DispatchInput, options: ParseOptions = {}): ParseResult {
  try {
    const parts =
      input.kind === 'text' ? partsFromText(input.text, options) : partsFromJson(input.value, options);
    return buildDraft(parts, options);
  } catch (error) {
    if (error instanceof DispatchValidationError) return { ok: false, error };
    // A bug must not become a 5xx for the uploader, nor be hidden: report it as malformed input
    // with the cause, so it is visible in the response and the logs.
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: new DispatchValidationError('malformed', `Could not read the dispatch: ${message}`),
    };
  }
}

function bodyToParagraphs(body: string | readonly string[], diagnostics: Diagnostic[]): string[] {
  const blocks = typeof body === 'string' ? [body] : body;
  // Counted before converting: conversion is the costly part (MAX_HTML_TAGS says why).
  const tags = blocks.reduce((n, block) => n + (looksLikeHtml(block) ? countTags(block) : 0), 0);
  if (tags > MAX_HTML_TAGS) {
    throw new DispatchValidationError(
      'too_large',
      `An HTML body has at most ${MAX_HTML_TAGS} tags; this one has ${tags}.`,
      { field: 'body', limit: MAX_HTML_TAGS, received: String(tags) },
    );
  }
  const raw = blocks.flatMap((block) => {
    if (!looksLikeHtml(block)) return paragraphBlocks(block);
    diagnostics.push({ code: 'html_converted', message: 'HTML in the body was converted to text.' });
    return paragraphBlocks(htmlToText(block));
  });
  // Counted before the paragraphs are built: building 25,000 of them only to refuse the dispatch
  // held the event loop for 20-60 ms per item of a batch.
  const count = raw.length > MAX_PARAGRAPHS ? countParagraphs(raw) : 0;
  if (count > MAX_PARAGRAPHS) {
    throw new DispatchValidationError(
      'too_large',
      `A dispatch has at most ${MAX_PARAGRAPHS} paragraphs; this one has ${count}.`,
      { field: 'body', limit: MAX_PARAGRAPHS, received: String(count) },
    );
  }
  return joinParagraphBlocks(raw);
}

/**
 * A title with HTML entities (`Wing &amp; Garden`) as the text a reader sees. Only entities are
 * decoded: a `<` in a title is text (rendering escapes it), never markup to strip.
 */
function plainTitle(title: string): string {
  return /&(?:[a-z]+\d*|#\d+|#x[0-9a-f]+);/i.test(title)
    ? decodeHTML(title).replace(/\s+/g, ' ').trim()
    : title;
}

function partsFromText(text: string, options: ParseOptions): Parts {
  const raw = readRawDispatch(text);
  const diagnostics: Diagnostic[] = [];
  const time = timeFromWall(raw.wall, raw.place, undefined, options.defaultTimeZone);
  return {
    title: plainTitle(raw.title),
    bodyParagraphs: bodyToParagraphs(raw.body, diagnostics),
    time,
    diagnostics,
  };
}

function partsFromJson(value: unknown, options: ParseOptions): Parts {
  const json = readJsonDispatch(value);
  const diagnostics: Diagnostic[] = [];
  return {
    title: plainTitle(json.title.trim()),
    bodyParagraphs: bodyToParagraphs(json.body, diagnostics),
    time: jsonTime(json, options),
    caption: json.caption?.trim() || null,
    source: json.source,
    url: json.url,
    language: json.language,
    tags: json.tags,
    diagnostics,
  };
}

function jsonTime(json: JsonDispatch, options: ParseOptions): DispatchTime {
  const place = json.place?.trim() || null;
  const timeZone = json.timeZone ?? undefined;
  if (json.publishedAt != null) {
    return timeFromIso(json.publishedAt, 'publishedAt', place, timeZone, options.defaultTimeZone);
  }
  if (json.localTime != null) {
    return timeFromIso(json.localTime, 'localTime', place, timeZone, options.defaultTimeZone);
  }
  if (json.dateline != null) {
    const dateline = readDateline(json.dateline);
    if (!dateline) {
      throw new DispatchValidationError('invalid_time', 'Field "dateline" is not a dateline.', {
        field: 'dateline',
        expected: 'DD-MM-YYYY hh:mm AM|PM <Place> Timing',
      });
    }
    return timeFromWall(dateline.wall, place ?? dateline.place, timeZone, options.defaultTimeZone);
  }
  throw new DispatchValidationError(
    'missing_dateline',
    'The dispatch has no time: give "publishedAt" (ISO 8601 with offset), or "localTime" with "place" or "timeZone".',
    { field: 'publishedAt', expected: 'e.g. "2024-11-27T22:30:00+02:00"' },
  );
}

/**
 * Script-based language guess for dispatches that name none: good enough to pick the analyser.
 * The first 1,000 characters decide; scanning whole bodies cost more than the rest of parsing.
 */
function guessLanguage(fullText: string): string {
  const text = fullText.slice(0, 1000);
  const arabic = text.match(/\p{Script=Arabic}/gu)?.length ?? 0;
  const hebrew = text.match(/\p{Script=Hebrew}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (arabic > latin && arabic >= hebrew) return 'ar';
  if (hebrew > latin) return 'he';
  return 'en';
}

function buildDraft(parts: Parts, options: ParseOptions): ParseResult {
  const cleaned = cleanBody(parts.title, parts.bodyParagraphs);
  if (cleaned.paragraphs.length === 0) {
    throw new DispatchValidationError(
      'empty_body',
      'The dispatch has no body paragraphs besides its title.',
      {
        field: 'body',
        expected: 'paragraphs after the title, separated by blank lines',
      },
    );
  }
  const content = {
    title: parts.title,
    paragraphs: cleaned.paragraphs,
    caption: parts.caption ?? cleaned.caption,
    publishedAt: parts.time.publishedAt,
    localTime: parts.time.localTime,
    timeZone: parts.time.timeZone,
    place: parts.time.place,
    language: parts.language ?? guessLanguage(`${parts.title} ${cleaned.paragraphs.slice(0, 3).join(' ')}`),
    source: parts.source ?? options.defaultSource ?? null,
    url: parts.url ?? null,
    tags: [...new Set(parts.tags ?? [])],
  };
  const draft: ArticleDraft = {
    id: articleId(content.title, content.publishedAt),
    ...content,
    contentHash: contentHash(content),
  };
  const diagnostics = [...parts.time.diagnostics, ...parts.diagnostics, ...cleaned.diagnostics];
  return { ok: true, draft, diagnostics };
}
