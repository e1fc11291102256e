import { describe, expect, it } from 'vitest';
import { dispatchMediaType, readDispatchBody } from './dispatch-body';
import { ApiError } from './errors';

const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe('dispatchMediaType', () => {
  it('accepts the three media types (UTF-8 only) and refuses others with 415', () => {
    expect(dispatchMediaType('text/plain; charset=UTF-8')).toBe('text');
    expect(dispatchMediaType('Application/JSON')).toBe('json');
    expect(dispatchMediaType('application/x-ndjson')).toBe('ndjson');
    for (const type of [undefined, '', 'text/html', 'text/plain; charset=iso-8859-1']) {
      expect(() => dispatchMediaType(type)).toThrow(expect.objectContaining({ status: 415 }));
    }
  });
});

describe('readDispatchBody', () => {
  it('reads one raw dispatch, one JSON object or string, and batches', () => {
    expect(readDispatchBody('text', bytes('raw'))).toEqual({
      mode: 'single',
      input: { kind: 'text', text: 'raw' },
    });
    expect(readDispatchBody('json', bytes('{"title":"t"}'))).toEqual({
      mode: 'single',
      input: { kind: 'json', value: { title: 't' } },
    });
    expect(readDispatchBody('json', bytes('"raw"'))).toMatchObject({
      mode: 'single',
      input: { kind: 'text' },
    });
    const batch = readDispatchBody('ndjson', bytes('{"title":"a"}\n\n"raw"\nnot json\n'));
    expect(batch.mode).toBe('batch');
    if (batch.mode === 'batch') {
      expect(batch.items.map((item) => ('input' in item ? item.input.kind : item.error.code))).toEqual([
        'json',
        'text',
        'malformed',
      ]);
    }
  });

  it('rejects whole requests with the right status', () => {
    const status = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof ApiError ? error.status : 'other';
      }
      return 'none';
    };
    expect(status(() => readDispatchBody('json', bytes('{')))).toBe(400);
    expect(status(() => readDispatchBody('json', bytes('null')))).toBe(400);
    expect(status(() => readDispatchBody('text', new Uint8Array([0xc3, 0x28]).buffer))).toBe(400);
    expect(status(() => readDispatchBody('json', bytes('[]')))).toBe(422);
    expect(status(() => readDispatchBody('json', bytes(JSON.stringify(Array(501).fill('x')))))).toBe(413);
  });
});
