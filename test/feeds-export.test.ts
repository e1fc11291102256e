import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordCounter } from '@archive/cli';
import { createLocalRuntime, defaultPlugins, type LocalRuntime } from '@archive/local';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { cli } from './cli-helpers';

/** Feeds and exports over HTTP against the local server (examples plus 130 generated dispatches). */
const GENERATED = 130;
let runtime: LocalRuntime;
let url: string;

const eventually = (check: () => Promise<boolean>) => vi.waitUntil(check, { timeout: 15_000, interval: 50 });

async function total(query: string): Promise<number> {
  return ((await (await fetch(`${url}/search?${query}`)).json()) as { total: number }).total;
}

beforeAll(async () => {
  runtime = await createLocalRuntime({
    dataDir: null,
    importExamples: true,
    plugins: defaultPlugins(),
    log: () => {},
    logger: { error: () => {} },
  });
  url = await runtime.listen(0);
  const batch = Array.from({ length: GENERATED }, (_, i) => ({
    title: `Harbour bulletin number ${i}`,
    body: [
      `Harbour traffic report ${i}: ${i % 2 === 0 ? 'calm seas' : 'strong winds'} & "quoted" text, 5 > 3.`,
    ],
    publishedAt: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString(),
    place: 'Beirut',
    source: i % 3 === 0 ? 'Wire A' : 'Wire B',
    tags: ['harbour'],
  }));
  const response = await fetch(`${url}/dispatches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  expect(response.status).toBe(200);
  await eventually(async () => (await total('q=harbour')) === GENERATED);
});

afterAll(async () => {
  await runtime?.close();
});

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

describe('feeds', () => {
  it('GET /feed.atom is well-formed Atom 1.0 with the required elements, newest first', async () => {
    const response = await fetch(`${url}/feed.atom?q=harbour&place=Beirut&limit=5`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/atom+xml');
    const body = await response.text();
    expect(XMLValidator.validate(body)).toBe(true);
    const feed = xml.parse(body).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    // RFC 4287 §4.1.1: id, title, updated; every entry id, title, updated, and a link or content.
    for (const field of ['id', 'title', 'updated']) expect(feed[field]).toBeTruthy();
    const entries = asArray(feed.entry) as Record<string, unknown>[];
    expect(entries).toHaveLength(5);
    for (const entry of entries) {
      for (const field of ['id', 'title', 'updated']) expect(entry[field]).toBeTruthy();
      expect(Number.isNaN(Date.parse(String(entry.updated)))).toBe(false);
      expect(entry.link).toBeTruthy();
    }
    const published = entries.map((e) => Date.parse(String(e.published)));
    expect([...published].sort((a, b) => b - a)).toEqual(published);
    expect((entries[0] as { title: { '#text': string } }).title['#text']).toBe('Harbour bulletin number 129');
    // Full text from the store, escaped: the markup in the dispatch stays text.
    expect(body).toContain('5 &gt; 3');
  });

  it('GET /feed.rss is well-formed RSS 2.0 with channel and item fields', async () => {
    const response = await fetch(`${url}/feed.rss?q=harbour&source=Wire+A`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/rss+xml');
    const body = await response.text();
    expect(XMLValidator.validate(body)).toBe(true);
    const rss = xml.parse(body).rss;
    expect(rss['@version']).toBe('2.0');
    for (const field of ['title', 'link', 'description']) expect(rss.channel[field]).toBeTruthy();
    const items = asArray(rss.channel.item) as Record<string, unknown>[];
    expect(items).toHaveLength(20);
    for (const item of items) {
      expect(item.title).toBeTruthy();
      expect(item.guid).toBeTruthy();
      expect(Number.isNaN(Date.parse(String(item.pubDate)))).toBe(false);
    }
  });

  it('GET /feed.json is a JSON Feed (version 1: id, and content_html or content_text, per item)', async () => {
    const response = await fetch(`${url}/feed.json?place=Jerusalem`);
    expect(response.status).toBe(200);
    const schema = z.object({
      version: z.literal('https://jsonfeed.org/version/1'),
      title: z.string().min(1),
      items: z
        .array(
          z
            .object({
              id: z.string().min(1),
              url: z.url(),
              title: z.string(),
              date_published: z.iso.datetime(),
            })
            .and(z.union([z.object({ content_html: z.string() }), z.object({ content_text: z.string() })])),
        )
        .min(1),
    });
    const feed = schema.parse(await response.json());
    expect(feed.items[0]?.title).toBe('Syria Opposition Discuss US-Russia Peace Initiative');
  });

  it('answers 304 to a conditional GET while nothing changed, 200 after a change', async () => {
    const path = `${url}/feed.atom?q=harbour`;
    const first = await fetch(path);
    const etag = first.headers.get('etag');
    const lastModified = first.headers.get('last-modified');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(lastModified).toBeTruthy();
    expect((await fetch(path, { headers: { 'if-none-match': etag as string } })).status).toBe(304);
    expect((await fetch(path, { headers: { 'if-modified-since': lastModified as string } })).status).toBe(
      304,
    );
    expect((await fetch(path, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);

    const post = await fetch(`${url}/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Harbour closes for the storm',
        body: 'The harbour closed.',
        publishedAt: '2024-12-31T10:00:00Z',
        place: 'Beirut',
      }),
    });
    expect(post.status).toBe(201);
    await eventually(async () => (await total('q=harbour')) === GENERATED + 1);
    const after = await fetch(path, { headers: { 'if-none-match': etag as string } });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('Harbour closes for the storm');
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    const response = await fetch(`${url}/feed.rss?limit=500`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; details: { issues: { parameter: string }[] } };
    };
    expect(body.error.details.issues[0]?.parameter).toBe('limit');
    expect((await fetch(`${url}/feed.atom?q=ab*`)).status).toBe(400);
  });
});

describe('exports', () => {
  it('streams the whole result set as NDJSON, past the 50-hit page limit, newest first', async () => {
    const response = await fetch(`${url}/export?q=harbour+bulletin&format=ndjson`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('x-total-count')).toBe(String(GENERATED));
    const rows = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; publishedAt: string; text: string; source: string });
    expect(rows).toHaveLength(GENERATED);
    expect(new Set(rows.map((r) => r.id)).size).toBe(GENERATED);
    const times = rows.map((r) => Date.parse(r.publishedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(rows[0]?.text).toBe('Harbour traffic report 129: strong winds & "quoted" text, 5 > 3.');
    expect(rows.filter((r) => r.source === 'Wire A')).toHaveLength(Math.ceil(GENERATED / 3));
  });

  it('streams CSV with a header and quoted fields, capped by max', async () => {
    const response = await fetch(`${url}/export?q=harbour+bulletin&format=csv&max=60&sort=oldest`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('60');
    const text = await response.text();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('id,publishedAt,title,place,source,language,tags,url,storyId,score,text');
    expect(lines).toHaveLength(61);
    expect(lines[1]).toContain('Harbour bulletin number 0');
    expect(lines[1]).toContain('"Harbour traffic report 0: calm seas & ""quoted"" text, 5 > 3."');
  });

  it('refuses a bad format, a max over the ceiling and a bad query before streaming', async () => {
    expect((await fetch(`${url}/export?format=xml`)).status).toBe(400);
    expect((await fetch(`${url}/export?max=100000000`)).status).toBe(400);
    expect((await fetch(`${url}/export?q=ab*`)).status).toBe(400);
  });
});

describe('archive export', () => {
  it('writes the whole result set of a search to a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archive-export-'));
    try {
      const out = join(dir, 'harbour.csv');
      const result = await cli(
        'export',
        '--url',
        url,
        '--q',
        'harbour bulletin',
        '--format',
        'csv',
        '--out',
        out,
      );
      expect(result.code).toBe(0);
      expect(result.err).toContain(`exported ${GENERATED} rows`);
      const text = await readFile(out, 'utf8');
      const counter = new RecordCounter('csv');
      counter.add(text);
      expect(counter.count).toBe(GENERATED + 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a refused export with the server's message", async () => {
    const result = await cli('export', '--url', url, '--q', 'ab*');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/export refused \(400\)/);
  });

  it('counts CSV records with quoted newlines and quotes', () => {
    const counter = new RecordCounter('csv');
    counter.add('a,b\n1,"two\n""lines""\n"\n');
    counter.add('2,"x');
    counter.add('y"\n');
    expect(counter.count).toBe(3);
  });
});
