import { describe, expect, it } from 'vitest';
import { applyFieldMapping, parseFieldMapping } from './dispatch-files';

describe('field mapping', () => {
  it('parses target=source pairs and rejects malformed ones', () => {
    expect(parseFieldMapping('title=headline, body=text')).toEqual({ title: 'headline', body: 'text' });
    expect(parseFieldMapping(undefined)).toEqual({});
    expect(() => parseFieldMapping('title')).toThrow(/bad field mapping/);
  });

  it('renames mapped fields and fills missing ones from common aliases', () => {
    expect(
      applyFieldMapping({ headline: 'H', story: 'S', when: 'W' }, { body: 'story', publishedAt: 'when' }),
    ).toEqual({ title: 'H', headline: 'H', body: 'S', publishedAt: 'W' });
    // Reuters-21578 as it is: `date` and `topics` stand in for publishedAt and tags.
    expect(
      applyFieldMapping({ title: 'T', body: 'B', date: '1987-02-26T15:01:01', topics: ['cocoa'] }, {}),
    ).toMatchObject({ publishedAt: '1987-02-26T15:01:01', tags: ['cocoa'] });
    // An explicit time field wins over the alias.
    expect(applyFieldMapping({ localTime: 'L', date: 'D' }, {})).not.toHaveProperty('publishedAt');
  });
});
