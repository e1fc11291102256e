import { connect, type Socket } from 'node:net';
import { LOCAL_HTTP_LIMITS } from '@archive/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../api-helpers';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const dispatch = JSON.stringify({ title: 'Guarded', body: 'Text.', publishedAt: '2024-05-01T10:00:00Z' });
const post = (auth: boolean | string) =>
  server.request('/dispatches', {
    method: 'POST',
    auth,
    body: dispatch,
    headers: { 'content-type': 'application/json' },
  });

describe('the local server is safe to expose (issue 12, low findings)', () => {
  it('answers read routes with CORS as API Gateway does, and preflights only GET and HEAD', async () => {
    const read = await server.request('/health', { headers: { origin: 'https://reader.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await server.request('/articles/x', {
      method: 'OPTIONS',
      headers: { origin: 'https://reader.example', 'access-control-request-method': 'DELETE' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,HEAD');
  });

  it(`refuses writes from an address after ${LOCAL_HTTP_LIMITS.failedAuthPerMinute} wrong keys in a minute (429), reads still served`, async () => {
    expect((await post(true)).status).toBe(201);
    for (let i = 0; i < LOCAL_HTTP_LIMITS.failedAuthPerMinute; i++)
      expect((await post('wrong-key')).status).toBe(401);
    const limited = await post('wrong-key');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await post(true)).status).toBe(429);
    expect((await server.request('/health')).status).toBe(200);
  });

  it(`holds at most ${LOCAL_HTTP_LIMITS.maxConnections} connections open`, async () => {
    const { hostname, port } = new URL(server.url);
    const sockets: Socket[] = [];
    const closed = new Set<number>();
    for (let i = 0; i < LOCAL_HTTP_LIMITS.maxConnections + 20; i++) {
      const socket = connect(Number(port), hostname);
      socket.on('close', () => closed.add(i));
      socket.on('error', () => {});
      sockets.push(socket);
      await new Promise((resolve) => socket.once('connect', resolve).once('close', resolve));
    }
    await expect.poll(() => closed.size, { timeout: 5000 }).toBeGreaterThanOrEqual(20);
    for (const socket of sockets) socket.destroy();
  });
});
