import autocannon from 'autocannon';

export interface HttpLoad {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  connections: number;
}

/**
 * Drives `GET /search` with autocannon for a bounded time; the request paths cycle through the
 * query mix in order across all connections.
 */
export async function loadTest(
  baseUrl: string,
  paths: readonly string[],
  durationSeconds: number,
  connections = 10,
): Promise<HttpLoad> {
  if (paths.length === 0) throw new Error('loadTest needs at least one path');
  let next = 0;
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: durationSeconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const path = paths[next++ % paths.length] ?? '/';
          return { ...request, path };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationSeconds,
    connections,
  };
}
