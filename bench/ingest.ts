import type { Article } from '@archive/core';
import type { IngestTarget } from './production';
import { type Percentiles, percentiles } from './stats';

export interface IngestFigures {
  dispatches: number;
  batchSize: number;
  dispatchesPerSecond: number;
  failed: number;
  /** POST of one dispatch until `GET /search` finds it, ms. */
  toSearchable: Percentiles;
  /** Probes never found within the timeout. */
  neverSearchable: number;
}

const SEARCHABLE_TIMEOUT_MS = 10_000;
const POLL_MS = 20;

/** The article as a JSON dispatch (the ingest API's JSON format). */
function toDispatch(article: Article): Record<string, unknown> {
  return {
    title: article.title,
    body: article.paragraphs,
    publishedAt: article.publishedAt,
    source: article.source,
    language: article.language,
    tags: article.tags,
  };
}

/**
 * Ingest through the API: the articles as NDJSON batches posted one after the other, then
 * `probes` single dispatches, each timed from its POST until a search finds it.
 */
export async function measureIngest(
  target: IngestTarget,
  articles: readonly Article[],
  batchSize: number,
  probes: number,
): Promise<IngestFigures> {
  const headers = { authorization: `Bearer ${target.ingestKey}` };
  let failed = 0;
  const started = performance.now();
  for (let i = 0; i < articles.length; i += batchSize) {
    const body = articles
      .slice(i, i + batchSize)
      .map((a) => JSON.stringify(toDispatch(a)))
      .join('\n');
    const response = await fetch(`${target.baseUrl}/dispatches`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      body,
    });
    if (!response.ok) throw new Error(`batch POST answered ${response.status}: ${await response.text()}`);
    failed += ((await response.json()) as { failed?: number }).failed ?? 0;
  }
  const elapsedSeconds = (performance.now() - started) / 1000;

  const latencies: number[] = [];
  let neverSearchable = 0;
  for (let probe = 0; probe < probes; probe++) {
    const token = probeToken(probe);
    const postedAt = performance.now();
    const response = await fetch(`${target.baseUrl}/dispatches`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: `Freshness probe ${token}`,
        body: [`The benchmark looks for ${token} right after posting it.`],
        publishedAt: new Date(Date.UTC(2024, 0, 1) + probe * 60_000).toISOString(),
      }),
    });
    if (!response.ok) throw new Error(`probe POST answered ${response.status}: ${await response.text()}`);
    const found = await pollUntilFound(target.baseUrl, token, postedAt);
    if (found === null) neverSearchable++;
    else latencies.push(found);
  }
  return {
    dispatches: articles.length,
    batchSize,
    dispatchesPerSecond: elapsedSeconds > 0 ? articles.length / elapsedSeconds : Number.NaN,
    failed,
    toSearchable: percentiles(latencies),
    neverSearchable,
  };
}

/** A letters-only word no corpus holds (digits might be split off by the tokenizer). */
function probeToken(probe: number): string {
  let word = '';
  let value = probe;
  do {
    word += String.fromCharCode(97 + (value % 26));
    value = Math.floor(value / 26);
  } while (value > 0);
  return `zqxprobe${word}`;
}

async function pollUntilFound(baseUrl: string, token: string, since: number): Promise<number | null> {
  while (performance.now() - since < SEARCHABLE_TIMEOUT_MS) {
    const response = await fetch(`${baseUrl}/search?q=${encodeURIComponent(token)}`);
    if (response.ok) {
      const body = (await response.json()) as { total?: number; results?: unknown[] };
      if ((body.total ?? body.results?.length ?? 0) > 0) return performance.now() - since;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return null;
}
