import { serve } from '@hono/node-server';
import type { FetchApp } from '../production';

/** Serves an app on 127.0.0.1 with an ephemeral port and reports `{port}` on stdout. */
export function serveOnEphemeralPort(app: FetchApp): void {
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
    process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
