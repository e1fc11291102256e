import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIPv6 } from 'node:net';

/**
 * POSTs to `url`, connecting only to `addresses` (those the webhook check allowed) rather than
 * resolving the host again: a DNS answer that changed in between (rebinding) cannot send the
 * request into the service's own network. TLS still verifies the certificate against the host
 * name. No redirect is followed; no connection is reused.
 * @returns the response status (the body is drained and ignored).
 */
export function postPinned(
  url: URL,
  addresses: readonly string[],
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
): Promise<number> {
  const pinned = addresses.map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
  const lookup: LookupFunction = (_hostname, options, callback) => {
    const first = pinned[0];
    if (!first) return callback(new Error('no address to connect to'), '', 4);
    // Node asks for every address (`all`) when it tries both families; otherwise for one.
    if (options.all) return (callback as unknown as (e: null, a: typeof pinned) => void)(null, pinned);
    callback(null, first.address, first.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        agent: false,
        signal,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
