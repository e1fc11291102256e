import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DispatchInput } from '@archive/core';

/** File types the importer reads: raw dispatches, JSON (one or an array), JSON Lines. */
export const DISPATCH_EXTENSIONS = ['.txt', '.json', '.jsonl', '.ndjson'] as const;

/** `target field -> source field`, applied to JSON records before parsing. */
export type FieldMapping = Readonly<Record<string, string>>;

/** One dispatch read from disk, or why a record could not be read, with where it came from. */
export interface SourcedDispatch {
  /** `file`, `file#index` (JSON array) or `file:line` (JSON Lines). */
  location: string;
  input?: DispatchInput;
  error?: { code: string; message: string };
  /** Bytes of the file this record accounts for (for progress). */
  bytes: number;
}

/**
 * Parses `title=headline,body=text` into a mapping. Targets are dispatch fields, sources the
 * fields of the records being imported.
 */
export function parseFieldMapping(spec: string | undefined): FieldMapping {
  const mapping: Record<string, string> = {};
  if (!spec) return mapping;
  for (const pair of spec.split(',')) {
    const [target, source, ...rest] = pair.split('=').map((part) => part.trim());
    if (!target || !source || rest.length > 0) {
      throw new Error(`bad field mapping "${pair}": expected target=source, e.g. title=headline`);
    }
    mapping[target] = source;
  }
  return mapping;
}

/**
 * Common names of dispatch fields in other corpora, used when a record lacks the field and no
 * explicit mapping names it (so `date`-stamped corpora such as Reuters-21578 import as they are).
 */
export const DEFAULT_FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = {
  title: ['headline'],
  body: ['text', 'content'],
  publishedAt: ['date', 'published', 'published_at', 'pubDate', 'datetime'],
  tags: ['topics', 'keywords'],
  url: ['link'],
};

const TIME_FIELDS = ['publishedAt', 'localTime', 'dateline'];

/**
 * Renames fields per the mapping, then fills missing dispatch fields from
 * {@link DEFAULT_FIELD_ALIASES}. Other fields are kept (the parser ignores unknown ones).
 */
export function applyFieldMapping(
  record: Record<string, unknown>,
  mapping: FieldMapping,
): Record<string, unknown> {
  const entries = Object.entries(mapping);
  const mappedSources = new Set(Object.values(mapping));
  const mapped: Record<string, unknown> = { ...record };
  for (const source of mappedSources) delete mapped[source];
  for (const [target, source] of entries) {
    if (source in record) mapped[target] = record[source];
  }
  for (const [target, aliases] of Object.entries(DEFAULT_FIELD_ALIASES)) {
    if (target in mapping || mapped[target] !== undefined) continue;
    if (target === 'publishedAt' && TIME_FIELDS.some((field) => mapped[field] !== undefined)) continue;
    const alias = aliases.find((name) => mapped[name] !== undefined);
    if (alias) mapped[target] = mapped[alias];
  }
  return mapped;
}

/** Expands files and directories (recursively) into the dispatch files they hold, sorted. */
export async function findDispatchFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = await readdir(path);
      for (const entry of entries.sort()) {
        if (!entry.startsWith('.')) await visit(join(path, entry), false);
      }
    } else if (isDispatchFile(path)) {
      found.push(path);
    } else if (explicit) {
      throw new Error(`${path}: not a dispatch file (expected ${DISPATCH_EXTENSIONS.join(', ')})`);
    }
  };
  for (const path of paths) await visit(resolve(path), true);
  return found;
}

export function isDispatchFile(path: string): boolean {
  return (DISPATCH_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** Reads dispatches from files one record at a time (JSON Lines files are streamed). */
export async function* readDispatches(
  files: readonly string[],
  options: { mapping?: FieldMapping } = {},
): AsyncGenerator<SourcedDispatch> {
  const mapping = options.mapping ?? {};
  for (const file of files) {
    const extension = extname(file).toLowerCase();
    if (extension === '.txt') {
      const text = await readFile(file, 'utf8');
      yield { location: file, input: { kind: 'text', text }, bytes: Buffer.byteLength(text) };
    } else if (extension === '.json') {
      yield* readJsonFile(file, mapping);
    } else {
      yield* readJsonLinesFile(file, mapping);
    }
  }
}

async function* readJsonFile(file: string, mapping: FieldMapping): AsyncGenerator<SourcedDispatch> {
  const text = await readFile(file, 'utf8');
  const bytes = Buffer.byteLength(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    yield { location: file, error: malformed(error), bytes };
    return;
  }
  if (!Array.isArray(value)) {
    yield { location: file, ...recordOf(value, mapping), bytes };
    return;
  }
  for (const [index, element] of value.entries()) {
    yield { location: `${file}#${index}`, ...recordOf(element, mapping), bytes: index === 0 ? bytes : 0 };
  }
}

async function* readJsonLinesFile(file: string, mapping: FieldMapping): AsyncGenerator<SourcedDispatch> {
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const bytes = Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      yield { location: `${file}:${lineNumber}`, error: malformed(error), bytes };
      continue;
    }
    yield { location: `${file}:${lineNumber}`, ...recordOf(value, mapping), bytes };
  }
}

function recordOf(value: unknown, mapping: FieldMapping): Pick<SourcedDispatch, 'input' | 'error'> {
  if (typeof value === 'string') return { input: { kind: 'text', text: value } };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return { input: { kind: 'json', value: applyFieldMapping(value as Record<string, unknown>, mapping) } };
  }
  return {
    error: { code: 'malformed', message: 'a record is a JSON object or a string holding a raw dispatch' },
  };
}

function malformed(error: unknown): { code: string; message: string } {
  return {
    code: 'malformed',
    message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
  };
}
