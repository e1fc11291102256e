import { defaultPlugins } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api-helpers';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ plugins: defaultPlugins() });
});
afterAll(() => server.close());

async function hits(q: string): Promise<string[]> {
  const body = await (await server.request(`/search?q=${encodeURIComponent(q)}`)).json();
  return body.results.map((r: { id: string }) => r.id);
}

describe('takedown is immediate locally (issue 12, low findings)', () => {
  it('once DELETE has answered, no search returns the article, for 20 takedowns in a row', async () => {
    const ids: string[] = [];
    const batch = Array.from({ length: 20 }, (_, i) => ({
      title: `Lighthouse keeper story ${i}`,
      body: `The lighthouse keeper number ${i} retired.`,
      publishedAt: `2024-03-${String(i + 1).padStart(2, '0')}T08:00:00Z`,
    }));
    const created = await server.request('/dispatches', {
      method: 'POST',
      auth: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    for (const result of (await created.json()).results) ids.push(result.id);
    await expect.poll(() => hits('lighthouse keeper'), { timeout: 5000 }).toHaveLength(10);

    for (const id of ids) {
      const deleted = await server.request(`/articles/${id}`, { method: 'DELETE', auth: true });
      expect(deleted.status).toBe(200);
      expect(await hits('lighthouse keeper')).not.toContain(id);
    }
    expect(await hits('lighthouse')).toEqual([]);
  });
});
