import { describe, expect, it } from 'vitest';
import { BATCH_LIMITS, splitJsonArrayBatch, splitNdjsonBatch } from './batch';
import { DispatchValidationError } from './errors';

describe('splitNdjsonBatch', () => {
  it('reads JSON objects and raw dispatch strings, one a line, skipping blank lines', () => {
    const items = splitNdjsonBatch(
      '{"title":"a"}\r\n\n"27-11-2024 10:30 PM Jerusalem Timing\\n\\nT\\n\\nB"\n',
    );
    expect(items).toEqual([
      { index: 0, input: { kind: 'json', value: { title: 'a' } } },
      { index: 1, input: { kind: 'text', text: '27-11-2024 10:30 PM Jerusalem Timing\n\nT\n\nB' } },
    ]);
  });

  it('turns a bad line into a failed item without failing the others', () => {
    const items = splitNdjsonBatch('{"title":"a"}\nnot json\n42');
    expect(items[0]).toHaveProperty('input');
    expect(items[1]).toMatchObject({ index: 1, error: { code: 'malformed' } });
    expect(items[2]).toMatchObject({ index: 2, error: { code: 'malformed' } });
  });

  it('refuses more than the item limit and an empty batch', () => {
    const tooMany = Array.from({ length: BATCH_LIMITS.maxItems + 1 }, () => '{}').join('\n');
    expect(() => splitNdjsonBatch(tooMany)).toThrow(DispatchValidationError);
    expect(() => splitNdjsonBatch('\n\n')).toThrow(/empty/);
  });
});

describe('splitJsonArrayBatch', () => {
  it('maps objects to JSON dispatches, strings to raw ones and anything else to errors', () => {
    const items = splitJsonArrayBatch([{ title: 'a' }, 'raw', null]);
    expect(items.map((i) => ('input' in i ? i.input.kind : i.error.code))).toEqual([
      'json',
      'text',
      'malformed',
    ]);
  });
});
