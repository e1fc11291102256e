import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { MAX_WEBHOOK_URL_LENGTH, WebhookUrlError } from './webhook-url-error';

/**
 * Where webhooks may point. On AWS: https only and public addresses only, so an alert cannot make
 * the service call into its own network (SSRF). The local runtime allows http and loopback so that
 * tests and a developer's receiver on the same machine can get deliveries.
 */
export interface WebhookUrlPolicy {
  allowHttp: boolean;
  allowLoopback: boolean;
  /** Private (RFC 1918, unique local), link-local, and every other non-public range. */
  allowPrivate: boolean;
}

export const STRICT_WEBHOOK_POLICY: WebhookUrlPolicy = {
  allowHttp: false,
  allowLoopback: false,
  allowPrivate: false,
};

/**
 * The local runtime's policy (and the bundled-handler tests'): http and loopback allowed, so a
 * receiver on the same machine gets deliveries; private and link-local addresses still refused.
 */
export const LOCAL_WEBHOOK_POLICY: WebhookUrlPolicy = {
  allowHttp: true,
  allowLoopback: true,
  allowPrivate: false,
};

/** Resolves a host name to every address it has (the deliverer checks each). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export const resolveWithDns: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks a webhook URL and the addresses its host resolves to now.
 * @returns the parsed URL and the addresses checked (a delivery connects to those only).
 * @throws WebhookUrlError naming what is wrong.
 */
export async function checkWebhookUrl(
  raw: string,
  policy: WebhookUrlPolicy,
  resolveHost: ResolveHost = resolveWithDns,
): Promise<{ url: URL; addresses: string[] }> {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new WebhookUrlError(`a webhook URL is at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('the webhook URL is not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new WebhookUrlError(policy.allowHttp ? 'a webhook URL is http or https' : 'a webhook URL is https');
  }
  if (url.username || url.password) throw new WebhookUrlError('a webhook URL carries no credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (ipaddr.isValid(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await resolveHost(host);
    } catch {
      throw new WebhookUrlError(`the webhook host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new WebhookUrlError(`the webhook host ${host} does not resolve`);
  }
  for (const address of addresses) {
    const refusal = refusalOf(address, policy);
    if (refusal) throw new WebhookUrlError(`the webhook host ${host} is ${refusal} (${address})`);
  }
  return { url, addresses };
}

/** Why an address is not allowed, or null when it is. */
function refusalOf(address: string, policy: WebhookUrlPolicy): string | null {
  let parsed = ipaddr.parse(address);
  // ::ffff:127.0.0.1 is 127.0.0.1.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'unicast') return null;
  if (range === 'loopback') return policy.allowLoopback ? null : 'a loopback address';
  if (range === 'unspecified' || range === 'broadcast' || range === 'multicast') return `a ${range} address`;
  if (policy.allowPrivate) return null;
  if (range === 'linkLocal') return 'a link-local address';
  return `not a public address (${range})`;
}
