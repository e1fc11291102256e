import { createLocalRuntime, defaultPlugins, type LocalRuntime } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * Stories over HTTP against the local server: copies of one dispatch (re-sent by another wire, a
 * corrected version, a re-led rewrite) share a `storyId`; a different story from the same place
 * and day does not; `collapse=story` shows one hit per story; `/stories/{id}` lists the members
 * with what changed.
 */
let runtime: LocalRuntime;
let url: string;

const eventually = (check: () => Promise<boolean>) => vi.waitUntil(check, { timeout: 15_000, interval: 50 });

const lead =
  'Flood waters swept through the lower districts of the river city overnight, forcing thousands to leave.';
const body = [
  'Rescue teams used boats to reach families stranded on rooftops, and the army opened three shelters in schools.',
  'The regional governor said the river had risen four metres in six hours after two days of heavy rain upstream.',
  'Power was cut to much of the old town as a precaution, and the main bridge was closed to traffic until Friday.',
  'Forecasters expect more rain on Thursday, and officials urged residents of low-lying streets to move to higher ground.',
];

const original = {
  title: 'Floods Force Thousands From Homes',
  body: [lead, ...body],
  publishedAt: '2024-05-14T06:00:00Z',
  place: 'Porto Alegre',
  source: 'Wire A',
};
const resent = { ...original, publishedAt: '2024-05-14T06:40:00Z', source: 'Wire B' };
const corrected = {
  ...original,
  title: 'CORRECTED - Floods Force Thousands From Homes',
  body: [lead, body[0], (body[1] as string).replace('four metres', 'five metres'), body[2], body[3]],
  publishedAt: '2024-05-14T08:10:00Z',
};
const releded = {
  title: 'Death Toll Rises as Floods Cut Off River City',
  body: [
    'At least eleven people died as floods cut off the river city on Tuesday, officials said.',
    lead,
    ...body,
  ],
  publishedAt: '2024-05-14T11:30:00Z',
  place: 'Porto Alegre',
  source: 'Wire A',
};
const sameDayOther = {
  title: 'City Council Approves New Bus Lanes',
  body: [
    'The city council approved new bus lanes on three avenues on Tuesday, after a year of consultation with residents.',
    'Shop owners on the avenues had opposed the plan, saying fewer parking spaces would cost them customers.',
    'Work is due to start in September and the lanes should open before the end of the year, the mayor said.',
  ],
  publishedAt: '2024-05-14T07:00:00Z',
  place: 'Porto Alegre',
  source: 'Wire A',
};

async function post(value: unknown): Promise<{ id: string; article: { storyId: string } }> {
  const response = await fetch(`${url}/dispatches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; article: { storyId: string } };
}

const ids: Record<string, string> = {};
const storyIds: Record<string, string> = {};

beforeAll(async () => {
  runtime = await createLocalRuntime({
    dataDir: null,
    plugins: defaultPlugins(),
    log: () => {},
    logger: { error: () => {} },
  });
  url = await runtime.listen(0);
  for (const [name, dispatch] of Object.entries({ original, resent, sameDayOther, corrected, releded })) {
    const created = await post(dispatch);
    ids[name] = created.id;
    storyIds[name] = created.article.storyId;
  }
  await eventually(async () => {
    const body = (await (await fetch(`${url}/search?q=floods+OR+council`)).json()) as { total: number };
    return body.total === 5;
  });
});

afterAll(async () => {
  await runtime?.close();
});

describe('stories at ingest', () => {
  it('puts the re-sent, corrected and re-led copies in the first dispatch’s story, not the other story', () => {
    expect(storyIds.original).toBe(ids.original);
    expect(storyIds.resent).toBe(ids.original);
    expect(storyIds.corrected).toBe(ids.original);
    expect(storyIds.releded).toBe(ids.original);
    expect(storyIds.sameDayOther).toBe(ids.sameDayOther);
  });

  it('keeps the story when an article gets a new version', async () => {
    const response = await fetch(`${url}/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...resent, body: [...resent.body, 'Schools will stay closed on Wednesday.'] }),
    });
    expect(response.status).toBe(200);
    const updated = (await response.json()) as {
      status: string;
      article: { version: number; storyId: string };
    };
    expect(updated.status).toBe('updated');
    expect(updated.article.storyId).toBe(ids.original);
    // Indexed within a flush interval: the searches below compare scores, which the new version's
    // length changes, so they must all run after it.
    await eventually(async () => {
      const body = (await (
        await fetch(`${url}/search?q=${encodeURIComponent('"stay closed on Wednesday"')}`)
      ).json()) as {
        total: number;
      };
      return body.total === 1;
    });
  });
});

describe('GET /search?collapse=story', () => {
  it('gives one hit per story with its size, sources and first-seen time, and counts both', async () => {
    const response = await fetch(`${url}/search?q=floods+OR+council&collapse=story`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      total: number;
      stories: { total: number; exact: boolean };
      results: {
        id: string;
        storyId: string;
        story: { id: string; size: number; sources: string[]; firstSeen: string; matched: number };
      }[];
      facets: { place: { value: string; count: number; stories: number }[] };
    };
    expect(body.total).toBe(5);
    expect(body.stories).toEqual({ total: 2, exact: true });
    expect(body.results).toHaveLength(2);
    const flood = body.results.find((r) => r.storyId === ids.original);
    expect(flood?.story).toEqual({
      id: ids.original,
      size: 4,
      sources: ['Wire A', 'Wire B'],
      firstSeen: original.publishedAt,
      matched: 4,
    });
    expect(body.facets.place).toEqual([{ value: 'Porto Alegre', count: 5, stories: 2 }]);
  });

  it('pages by story', async () => {
    const first = (await (
      await fetch(`${url}/search?q=floods+OR+council&collapse=story&limit=1`)
    ).json()) as {
      results: { storyId: string }[];
      nextCursor: string;
    };
    expect(first.results).toHaveLength(1);
    const second = (await (
      await fetch(`${url}/search?q=floods+OR+council&collapse=story&limit=1&cursor=${first.nextCursor}`)
    ).json()) as { results: { storyId: string }[]; nextCursor: string | null };
    expect(second.results).toHaveLength(1);
    expect(second.results[0]?.storyId).not.toBe(first.results[0]?.storyId);
    expect(second.nextCursor).toBeNull();
  });

  it('shows each hit as a plain search does (snippet and marks), though it groups without them', async () => {
    type Hit = { id: string; titleHighlighted: string; snippet: string; localTime: string };
    const plain = (await (await fetch(`${url}/search?q=floods+OR+council&limit=50`)).json()) as {
      results: Hit[];
    };
    const collapsed = (await (await fetch(`${url}/search?q=floods+OR+council&collapse=story`)).json()) as {
      results: Hit[];
    };
    expect(collapsed.results.length).toBeGreaterThan(0);
    for (const hit of collapsed.results) {
      const same = plain.results.find((p) => p.id === hit.id);
      expect(same).toBeDefined();
      expect(hit.snippet).toContain('<mark>');
      expect({ ...hit, story: undefined }).toEqual({ ...same, story: undefined });
    }
    // A later page's hit too (read again from a cursor past the hits before it).
    const second = (await (
      await fetch(
        `${url}/search?q=floods+OR+council&collapse=story&limit=1&cursor=${encodeURIComponent(
          (
            (await (await fetch(`${url}/search?q=floods+OR+council&collapse=story&limit=1`)).json()) as {
              nextCursor: string;
            }
          ).nextCursor,
        )}`,
      )
    ).json()) as { results: Hit[] };
    const later = second.results[0];
    expect(later?.snippet).toContain('<mark>');
    expect(later?.snippet).toBe(plain.results.find((p) => p.id === later?.id)?.snippet);
  });

  it('refuses an unknown collapse field', async () => {
    expect((await fetch(`${url}/search?q=floods&collapse=place`)).status).toBe(400);
  });
});

describe('GET /stories/{id}', () => {
  it('lists the members oldest first with the sentences each one added and removed', async () => {
    const response = await fetch(`${url}/stories/${ids.original}`);
    expect(response.status).toBe(200);
    const story = (await response.json()) as {
      id: string;
      size: number;
      firstSeen: string;
      members: { id: string; publishedAt: string; changes: { added: string[]; removed: string[] } | null }[];
    };
    expect(story.size).toBe(4);
    expect(story.members.map((m) => m.id)).toEqual([ids.original, ids.resent, ids.corrected, ids.releded]);
    expect(story.members[0]?.changes).toBeNull();
    // The re-sent copy has since gained a sentence (its version 2).
    expect(story.members[1]?.changes).toEqual({
      added: ['Schools will stay closed on Wednesday.'],
      removed: [],
    });
    const correction = story.members[2]?.changes;
    expect(correction?.added).toContain('CORRECTED - Floods Force Thousands From Homes');
    expect(correction?.added.some((s) => s.includes('five metres'))).toBe(true);
    expect(correction?.removed.some((s) => s.includes('four metres'))).toBe(true);
    expect(story.members[3]?.changes?.added).toContain(
      'At least eleven people died as floods cut off the river city on Tuesday, officials said.',
    );
  });

  it('answers 404 for an unknown story and drops taken-down members', async () => {
    expect((await fetch(`${url}/stories/nope`)).status).toBe(404);
    const deleted = await fetch(`${url}/articles/${ids.corrected}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}` },
    });
    expect(deleted.status).toBe(200);
    const story = (await (await fetch(`${url}/stories/${ids.original}`)).json()) as { size: number };
    expect(story.size).toBe(3);
  });
});
