import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, STRICT_WEBHOOK_POLICY, type WebhookUrlPolicy } from './webhook-url';
import { WebhookUrlError } from './webhook-url-error';

const LOCAL: WebhookUrlPolicy = { allowHttp: true, allowLoopback: true, allowPrivate: false };
/** A resolver that answers from a table: no DNS in unit tests. */
const resolveFrom =
  (table: Record<string, string[]>) =>
  async (host: string): Promise<string[]> => {
    const found = table[host];
    if (!found) throw new Error('ENOTFOUND');
    return found;
  };
const hosts = resolveFrom({
  'hooks.example.org': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'sneaky.example.org': ['93.184.216.34', '10.0.0.7'],
  'metadata.example.org': ['169.254.169.254'],
  localhost: ['127.0.0.1', '::1'],
});

async function refusal(url: string, policy: WebhookUrlPolicy): Promise<string> {
  try {
    await checkWebhookUrl(url, policy, hosts);
  } catch (error) {
    if (error instanceof WebhookUrlError) return error.message;
    throw error;
  }
  return 'allowed';
}

describe('webhook URLs', () => {
  it('on AWS: https to public addresses only', async () => {
    expect(await refusal('https://hooks.example.org/alerts', STRICT_WEBHOOK_POLICY)).toBe('allowed');
    expect(await refusal('https://93.184.216.34/x', STRICT_WEBHOOK_POLICY)).toBe('allowed');
    expect(await refusal('http://hooks.example.org/alerts', STRICT_WEBHOOK_POLICY)).toBe(
      'a webhook URL is https',
    );
    expect(await refusal('https://localhost:8443/', STRICT_WEBHOOK_POLICY)).toMatch(/loopback/);
    expect(await refusal('https://[::1]/', STRICT_WEBHOOK_POLICY)).toMatch(/loopback/);
    expect(await refusal('https://[::ffff:127.0.0.1]/', STRICT_WEBHOOK_POLICY)).toMatch(/loopback/);
  });

  it('refuses a host with any private, link-local or special address, IPv4-mapped ones included', async () => {
    for (const url of [
      'https://sneaky.example.org/',
      'https://metadata.example.org/',
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/',
      'https://[fd00::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
    ]) {
      expect(await refusal(url, LOCAL), url).not.toBe('allowed');
    }
  });

  it('locally: http and loopback, still no private or link-local', async () => {
    expect(await refusal('http://127.0.0.1:4000/hook', LOCAL)).toBe('allowed');
    expect(await refusal('http://localhost:4000/hook', LOCAL)).toBe('allowed');
    expect(await refusal('http://[::ffff:127.0.0.1]:4000/', LOCAL)).toBe('allowed');
    expect(await refusal('http://192.168.1.10/', LOCAL)).toMatch(/not a public address/);
    expect(await refusal('http://192.168.1.10/', { ...LOCAL, allowPrivate: true })).toBe('allowed');
  });

  it('refuses what is not an http(s) URL, credentials, hosts that do not resolve, and long URLs', async () => {
    expect(await refusal('ftp://hooks.example.org/', LOCAL)).toBe('a webhook URL is http or https');
    expect(await refusal('/relative', LOCAL)).toMatch(/absolute/);
    expect(await refusal('https://user:pw@hooks.example.org/', LOCAL)).toMatch(/credentials/);
    expect(await refusal('https://nowhere.example.org/', LOCAL)).toMatch(/does not resolve/);
    expect(await refusal(`https://hooks.example.org/${'a'.repeat(3000)}`, LOCAL)).toMatch(/at most/);
  });
});
