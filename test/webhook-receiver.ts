import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a receiver got: one POST. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on loopback for the alert tests: `/ok` answers 204, `/flaky` 500 twice then
 * 204, `/down` always 503.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly failures = new Map<string, number>();
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        this.received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        const failed = this.failures.get(path) ?? 0;
        if (path === '/down' || (path === '/flaky' && failed < 2)) {
          this.failures.set(path, failed + 1);
          response.writeHead(path === '/down' ? 503 : 500).end('not now');
          return;
        }
        response.writeHead(204).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}
