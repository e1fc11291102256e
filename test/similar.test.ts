import { createLocalRuntime, defaultPlugins, type LocalRuntime } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * `GET /articles/{id}/similar` over HTTP against the local server: the article on the same topic
 * comes first, the article itself and its near-copies (its story) never appear, `/search`'s filters
 * apply, and an unknown or taken-down article is a 404.
 */
let runtime: LocalRuntime;
let url: string;

const eventually = (check: () => Promise<boolean>) => vi.waitUntil(check, { timeout: 15_000, interval: 50 });

const flood = {
  title: 'Floods Force Thousands From Homes in River City',
  body: [
    'Flood waters swept through the lower districts of the river city overnight, forcing thousands of residents to leave.',
    'Rescue teams used boats to reach families stranded on rooftops as the river rose four metres.',
    'Forecasters expect more rain upstream, and officials urged residents of low-lying streets to reach higher ground.',
  ],
  publishedAt: '2024-05-14T06:00:00Z',
  place: 'Porto Alegre',
  source: 'Wire A',
};
// A copy re-sent by another wire: the same story, so never "related" to its original.
const floodCopy = { ...flood, publishedAt: '2024-05-14T06:40:00Z', source: 'Wire B' };
// The same topic, told differently, a week later and elsewhere.
const floodLater = {
  title: 'River Floods Again as Rain Returns Upstream',
  body: [
    'The river burst its banks again on Tuesday after heavy rain upstream, flooding streets and stranding residents.',
    'Rescue boats evacuated families from rooftops in the low-lying districts, officials said.',
  ],
  publishedAt: '2024-05-21T09:00:00Z',
  place: 'Canoas',
  source: 'Wire C',
};
// The same topic again, from another source.
const floodOther = {
  title: 'Flood Relief Reaches Stranded Families',
  body: [
    'Aid workers brought food and water by boat to families stranded by the flood in the river districts.',
    'Residents said the waters had started to fall but many streets remained flooded.',
  ],
  publishedAt: '2024-05-16T12:00:00Z',
  place: 'Porto Alegre',
  source: 'Wire D',
};
const budget = {
  title: 'Council Approves City Budget With New Bus Lanes',
  body: [
    'The city council approved the annual budget on Tuesday, including new bus lanes on three avenues.',
    'Shop owners had opposed the plan, saying fewer parking spaces would cost them customers.',
  ],
  publishedAt: '2024-05-15T07:00:00Z',
  place: 'Porto Alegre',
  source: 'Wire A',
};

interface SimilarBody {
  total: number;
  results: { id: string; title: string; storyId: string; source: string | null; snippet: string }[];
  facets: unknown;
  nextCursor: string | null;
}

const auth = () => ({ authorization: `Bearer ${runtime.ingestKey.key}` });
const ids: Record<string, string> = {};

async function similar(id: string, query = ''): Promise<SimilarBody> {
  const response = await fetch(`${url}/articles/${encodeURIComponent(id)}/similar${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SimilarBody;
}

beforeAll(async () => {
  const quiet = { log: () => {}, logger: { error: () => {} } };
  runtime = await createLocalRuntime({ dataDir: null, plugins: defaultPlugins(), ...quiet });
  url = await runtime.listen(0);
  for (const [name, dispatch] of Object.entries({ flood, floodCopy, floodLater, floodOther, budget })) {
    const response = await fetch(`${url}/dispatches`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(dispatch),
    });
    expect(response.status).toBe(201);
    ids[name] = ((await response.json()) as { id: string }).id;
  }
  // Search follows the store within one flush: wait until the index holds all five.
  await eventually(async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as { index: { articles: number } };
    return health.index.articles === Object.keys(ids).length;
  });
});

afterAll(() => runtime?.close());

describe('GET /articles/{id}/similar', () => {
  it('lists the articles on the same topic first, in the /search result shape', async () => {
    const body = await similar(ids.flood as string, '?limit=5');
    const found = body.results.map((r) => r.id);
    expect(found.slice(0, 2).sort()).toEqual([ids.floodLater, ids.floodOther].sort());
    // The unrelated article ranks below both, if it is there at all.
    if (found.includes(ids.budget as string)) expect(found.indexOf(ids.budget as string)).toBe(2);
    expect(body.results[0]).toMatchObject({ title: expect.any(String), snippet: expect.any(String) });
    expect(body.facets).toBeDefined();
    expect(body.nextCursor).toBeNull();
  });

  it('excludes the article itself and its near-copies', async () => {
    const found = (await similar(ids.flood as string)).results.map((r) => r.id);
    expect(found).not.toContain(ids.flood);
    expect(found).not.toContain(ids.floodCopy);
    const fromCopy = (await similar(ids.floodCopy as string)).results.map((r) => r.id);
    expect(fromCopy).not.toContain(ids.flood);
    expect(fromCopy).not.toContain(ids.floodCopy);
    expect(fromCopy[0]).toMatch(new RegExp(`^(${ids.floodLater}|${ids.floodOther})$`));
  });

  it('honours the /search filters and limit', async () => {
    const bySource = await similar(ids.flood as string, '?source=Wire%20C');
    expect(bySource.results.map((r) => r.id)).toEqual([ids.floodLater]);
    const byDate = await similar(ids.flood as string, '?from=2024-05-20');
    expect(byDate.results.map((r) => r.id)).toEqual([ids.floodLater]);
    expect((await similar(ids.flood as string, '?limit=1')).results).toHaveLength(1);
    const bad = await fetch(`${url}/articles/${ids.flood}/similar?limit=0`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_parameters');
  });

  it('is a 404 for an unknown or taken-down article', async () => {
    const unknown = await fetch(`${url}/articles/no-such-article/similar`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const taken = await fetch(`${url}/articles/${ids.budget}`, { method: 'DELETE', headers: auth() });
    expect(taken.status).toBe(200);
    expect((await fetch(`${url}/articles/${ids.budget}/similar`)).status).toBe(404);
  });
});
