/**
 * `npm run test:reliability` (issue 12): the proof that no request poisons the archive or stalls
 * the server, run against the real local service in child processes. Stages: fuzz every route,
 * hostile batches, SIGKILL during ingest, 100-way concurrency, fault injections (vitest files),
 * and the hostile-load throughput ratio (autocannon; reported, the benchmark decides it).
 * Ends with `N passed, N failed` and exits non-zero on any violation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { parseDispatch } from '@archive/core';
import { generateCorpus } from '../../../bench/generate';
import { loadTest } from '../../../bench/http-load';
import { seededRandom } from '../../../bench/prng';
import { type ServerChild, startServerChild } from './child';
import { type FuzzRequest, fuzzRequests } from './fuzz';

const results: { name: string; ok: boolean; detail: string }[] = [];
const figures: string[] = [];

/** `RELIABILITY_ONLY=hostile` runs only the stages whose name contains that text. */
const ONLY = process.env.RELIABILITY_ONLY;

async function stage(name: string, run: () => Promise<string>): Promise<void> {
  if (ONLY && !name.includes(ONLY)) return;
  const started = performance.now();
  try {
    const detail = await run();
    results.push({ name, ok: true, detail });
    console.log(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s): ${detail}`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    results.push({ name, ok: false, detail });
    console.log(`✗ ${name}: ${detail}`);
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

async function send(
  server: ServerChild,
  r: FuzzRequest,
): Promise<{ status: number; ms: number; body: unknown }> {
  const headers: Record<string, string> = { ...r.headers };
  if (r.auth === 'good') headers.authorization = `Bearer ${server.key}`;
  else if (r.auth === 'bad') headers.authorization = 'Bearer dak_wrong';
  const started = performance.now();
  const response = await fetch(`${server.url}${r.path}`, { method: r.method, headers, body: r.body });
  const text = await response.text();
  const ms = performance.now() - started;
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, ms, body };
}

/** POSTs a JSON value to /dispatches with the right key. */
function postJson(server: ServerChild, value: unknown) {
  return send(server, {
    method: 'POST',
    path: '/dispatches',
    auth: 'good',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
}
const dispatchOf = (a: {
  title: string;
  paragraphs: string[];
  publishedAtMs: number;
  place: string | null;
}) => ({
  title: a.title,
  body: a.paragraphs,
  publishedAt: new Date(a.publishedAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  ...(a.place ? { place: a.place } : {}),
});

async function health(server: ServerChild): Promise<{ articles: number; status: string }> {
  return (await (await fetch(`${server.url}/health`)).json()) as { articles: number; status: string };
}

// ---------------------------------------------------------------------------------------------
const FUZZ_COUNT = Number(process.env.RELIABILITY_FUZZ ?? 10_000);
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 5);

await stage(`fuzz: ${FUZZ_COUNT} generated requests over every route`, async () => {
  const server = await startServerChild(null);
  try {
    const live = new Set<string>();
    const statuses = new Map<number, number>();
    let slow = 0;
    let maxMs = 0;
    let slowest = '';
    const requests = fuzzRequests(FUZZ_COUNT, 12);
    let next = 0;
    const serverErrors: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < requests.length) {
          const r = requests[next++] as FuzzRequest;
          const { status, ms, body } = await send(server, r);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (ms > maxMs) {
            maxMs = ms;
            const size = typeof r.body === 'string' ? `, ${r.body.length} chars` : '';
            slowest = `${r.method} ${r.path.slice(0, 60)}${size} → ${status}`;
          }
          if (ms > 1000) slow++;
          if (status >= 500 && serverErrors.length < 5)
            serverErrors.push(`${status} ${r.method} ${r.path.slice(0, 120)}`);
          if (r.method === 'POST' && status < 300) {
            const b = body as { id?: string; status?: string; results?: { id?: string; status: string }[] };
            if (b.id) live.add(b.id);
            for (const item of b.results ?? []) if (item.id && item.status !== 'failed') live.add(item.id);
          }
          if (r.method === 'DELETE' && status === 200)
            live.delete(decodeURIComponent(r.path.slice('/articles/'.length)));
        }
      }),
    );
    const stall = await server.loopStall();
    await new Promise((resolve) => setTimeout(resolve, 5500)); // /health reuses a count for 5 s
    const counted = await health(server);
    const table = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    figures.push(
      `fuzz: ${FUZZ_COUNT} requests, statuses ${table}, slowest ${maxMs.toFixed(0)} ms (${slowest}), server event-loop max ${stall.loopMaxMs.toFixed(0)} ms`,
    );
    const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    check(fivexx === 0, `${fivexx} answers were 5xx, e.g. ${serverErrors.join('; ')}`);
    check(slow === 0, `${slow} requests took over 1 s (slowest ${maxMs.toFixed(0)} ms)`);
    check(
      counted.articles === live.size,
      `/health counts ${counted.articles} articles, the accepted writes leave ${live.size}`,
    );
    let unreadable = 0;
    for (const id of [...live].slice(0, 300)) {
      if ((await fetch(`${server.url}/articles/${encodeURIComponent(id)}`)).status !== 200) unreadable++;
    }
    check(unreadable === 0, `${unreadable} acknowledged articles are not readable`);
    check(counted.status === 'ok', `/health status ${counted.status}`);
    return `${table}; slowest ${maxMs.toFixed(0)} ms; ${live.size} articles stored exactly as acknowledged; event loop max ${stall.loopMaxMs.toFixed(0)} ms`;
  } finally {
    await server.kill();
  }
});

await stage(
  'hostile requests: huge batches, the largest articles, vocabulary inflation, analysed-prefix bypass',
  async () => {
    const server = await startServerChild(null);
    try {
      const tiny = Array.from({ length: 20 }, (_, i) => ({
        title: `Paragraph flood ${i}`,
        body: Array.from({ length: 25_000 }, (_, p) => `p${p}`).join('\n\n'),
        publishedAt: '2024-05-01T10:00:00Z',
      }));
      const flood = await postJson(server, tiny);
      const floodStall = await server.loopStall();
      // The largest articles the limits accept (2,000 paragraphs, just under 256 KB each), then the
      // queries that read whole texts: a phrase check and proximity over every one of them.
      const words =
        'market shares rose after the central bank said inflation would ease while exporters warned'.split(
          ' ',
        );
      const sentence = (i: number) =>
        `${Array.from({ length: 14 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ')} n${i}.`;
      const largest = Array.from({ length: 20 }, (_, i) => ({
        title: `Largest ${i}`,
        body: Array.from({ length: 2000 }, (_, p) => sentence(p + i)).join('\n\n'),
        publishedAt: '2024-05-02T10:00:00Z',
      }));
      const large = await postJson(server, largest);
      const largeStall = await server.loopStall();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const longPhrase = await send(server, {
        method: 'GET',
        path: `/search?q=${encodeURIComponent('"bank said inflation"')}&limit=50`,
      });
      const longWords = await send(server, {
        method: 'GET',
        path: '/search?q=bank+inflation+exporters&limit=50',
      });
      const longStall = await server.loopStall();
      const random = seededRandom(7);
      const letter = () => String.fromCharCode(97 + Math.floor(random() * 26));
      const junkWord = () => Array.from({ length: 8 }, letter).join('');
      const junk = Array.from({ length: 480 }, (_, i) => ({
        title: `Junk ${i}`,
        body: Array.from({ length: 1200 }, junkWord).join(' '),
        publishedAt: '2024-06-01T10:00:00Z',
      }));
      const inflate = await postJson(server, junk);
      const inflateStall = await server.loopStall();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const unknown = Array.from({ length: 32 }, junkWord).join(' ');
      const did = await send(server, {
        method: 'GET',
        path: `/search?q=${encodeURIComponent(unknown)}&mode=natural`,
      });
      const bypass = await send(server, {
        method: 'GET',
        path: `/search?q=${encodeURIComponent('e\u0301\u0301*')}`,
      });
      const queryStall = await server.loopStall();
      figures.push(
        `hostile: 20×25,000-paragraph batch ${flood.status} in ${flood.ms.toFixed(0)} ms (loop max ${floodStall.loopMaxMs.toFixed(0)} ms); ` +
          `20 largest articles ${large.status} in ${large.ms.toFixed(0)} ms (loop max ${largeStall.loopMaxMs.toFixed(0)} ms), a phrase over them ${longPhrase.ms.toFixed(0)} ms, 3 words ${longWords.ms.toFixed(0)} ms (loop max ${longStall.loopMaxMs.toFixed(0)} ms); ` +
          `480 junk-vocabulary articles ${inflate.status} in ${inflate.ms.toFixed(0)} ms (loop max ${inflateStall.loopMaxMs.toFixed(0)} ms); ` +
          `32 unknown words ${did.ms.toFixed(0)} ms; e+marks* ${bypass.status}; query loop max ${queryStall.loopMaxMs.toFixed(0)} ms`,
      );
      check(
        flood.status < 500 && large.status < 500 && inflate.status < 500,
        `batches answered ${flood.status}/${large.status}/${inflate.status}`,
      );
      check(
        longPhrase.status === 200 && longWords.status === 200,
        `queries over the largest articles answered ${longPhrase.status}/${longWords.status}`,
      );
      check(bypass.status === 400, `e + combining marks + * answered ${bypass.status}`);
      check(
        did.status === 200 && did.ms < 1000,
        `32 unknown words: ${did.status} in ${did.ms.toFixed(0)} ms`,
      );
      return `flood ${flood.status} ${flood.ms.toFixed(0)} ms, inflation ${inflate.status} ${inflate.ms.toFixed(0)} ms, 32 unknown words ${did.ms.toFixed(0)} ms, bypass refused; loop max ${Math.max(floodStall.loopMaxMs, largeStall.loopMaxMs, longStall.loopMaxMs, inflateStall.loopMaxMs, queryStall.loopMaxMs).toFixed(0)} ms`;
    } finally {
      await server.kill();
    }
  },
);

await stage(`SIGKILL during batch ingest, ${KILLS} times at random points`, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'archive-kill-'));
  const attempted = new Map<string, string>(); // id -> unique word in its title
  const acked = new Set<string>();
  try {
    const corpus = generateCorpus(KILLS * 400, 42);
    let cursor = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const server = await startServerChild(dataDir);
      const killAt = 300 + Math.random() * 2500;
      const killer = setTimeout(() => server.process.kill('SIGKILL'), killAt);
      try {
        while (server.process.exitCode === null && server.process.signalCode === null) {
          const batch = corpus.slice(cursor, cursor + 25).map((a, i) => {
            const word = `killword${cursor + i}`;
            const value = { ...dispatchOf(a), title: `${a.title} ${word}` };
            const parsed = parseDispatch({ kind: 'json', value });
            if (parsed.ok) attempted.set(parsed.draft.id, word);
            return value;
          });
          cursor += 25;
          const answer = await postJson(server, batch).catch(() => null);
          if (!answer) break;
          for (const item of (answer.body as { results?: { id?: string; status: string }[] }).results ?? []) {
            if (item.id && item.status !== 'failed') acked.add(item.id);
          }
        }
      } finally {
        clearTimeout(killer);
        await server.kill('SIGKILL');
      }
    }
    const server = await startServerChild(dataDir);
    try {
      let missing = 0;
      let unsearchable = 0;
      let stored = 0;
      for (const [id, word] of attempted) {
        const read = await fetch(`${server.url}/articles/${id}`);
        if (read.status === 200) stored++;
        if (!acked.has(id)) continue;
        if (read.status !== 200) missing++;
        const found = (await (await fetch(`${server.url}/search?q=${word}`)).json()) as {
          results: { id: string }[];
        };
        if (!found.results.some((r) => r.id === id)) unsearchable++;
      }
      const counted = await health(server);
      figures.push(
        `kills: ${KILLS} SIGKILLs, ${acked.size} acknowledged articles checked (readable and searchable), ${stored} stored of ${attempted.size} sent, /health ${counted.articles}`,
      );
      check(missing === 0, `${missing} acknowledged articles lost`);
      check(unsearchable === 0, `${unsearchable} acknowledged articles not searchable`);
      check(counted.articles === stored, `/health counts ${counted.articles}, the store holds ${stored}`);
      return `${acked.size} acknowledged articles all readable and searchable; /health ${counted.articles} = ${stored} stored`;
    } finally {
      await server.kill();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

await stage('100-way concurrent identical and conflicting writes', async () => {
  const server = await startServerChild(null);
  try {
    const same = {
      method: 'POST',
      path: '/dispatches',
      auth: 'good' as const,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Same', body: 'Same.', publishedAt: '2024-01-01T00:00:00Z' }),
    };
    const identical = await Promise.all(Array.from({ length: 100 }, () => send(server, same)));
    const outcome = (r: { status: number; body: unknown }) =>
      `${r.status} ${(r.body as { status?: string; error?: { code: string } }).status ?? (r.body as { error?: { code: string } }).error?.code}`;
    const tally = (list: { status: number; body: unknown }[]) => {
      const counts = new Map<string, number>();
      for (const r of list) counts.set(outcome(r), (counts.get(outcome(r)) ?? 0) + 1);
      return [...counts].map(([k, n]) => `${k}×${n}`).join(', ');
    };
    const created = identical.filter((r) => (r.body as { status?: string }).status === 'created').length;
    const id = (identical[0]?.body as { id?: string } | undefined)?.id ?? '';
    const conflicting = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 20 === 0
          ? send(server, { method: 'DELETE', path: `/articles/${id}`, auth: 'good' })
          : send(server, {
              method: 'POST',
              path: '/dispatches?restore=true',
              auth: 'good',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                title: 'Same',
                body: `Version ${i}.`,
                publishedAt: '2024-01-01T00:00:00Z',
              }),
            }),
      ),
    );
    figures.push(`concurrency: identical ${tally(identical)}; conflicting ${tally(conflicting)}`);
    check(created === 1 && identical.every((r) => r.status < 300), `identical: ${tally(identical)}`);
    const bad = conflicting.filter((r) => ![200, 201, 404, 409].includes(r.status));
    check(bad.length === 0, `conflicting: ${tally(conflicting)}`);
    return `identical: ${tally(identical)}; conflicting: ${tally(conflicting)}`;
  } finally {
    await server.kill();
  }
});

await stage(
  'fault injections (vitest: store faults at the SDK level, quarantine, S3 blob faults in indexer and loader)',
  async () => {
    const files = [
      'test/reliability/store-faults.test.ts',
      'test/reliability/quarantine.test.ts',
      'packages/search/src/lifecycle/indexer.test.ts',
      'packages/search/src/lifecycle/index-loader.test.ts',
      'packages/store/src/blob-store-s3.test.ts',
      'test/reliability/s3-faults.test.ts',
    ];
    const run = spawnSync('npx', ['vitest', 'run', ...files], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '../../..'),
    });
    const plain = stripVTControlCharacters(`${run.stdout}${run.stderr}`);
    const line = /Tests\s+(.*)/.exec(plain)?.[1]?.trim() ?? 'no summary';
    figures.push(`faults: ${line}`);
    check(run.status === 0, `vitest failed: ${line}`);
    return line;
  },
);

await stage(
  'search throughput with 0.5% hostile queries, and after +300 one-article years, vs normal traffic (autocannon)',
  async () => {
    const server = await startServerChild(null);
    try {
      const corpus = generateCorpus(3000, 7);
      for (let i = 0; i < corpus.length; i += 250) {
        await postJson(server, corpus.slice(i, i + 250).map(dispatchOf));
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const words = corpus.slice(0, 200).map((a) => a.title.split(' ')[0]?.toLowerCase() ?? 'news');
      const normal = words.map(
        (w, i) => `/search?q=${encodeURIComponent(`${w} ${words[(i * 7) % words.length]}`)}`,
      );
      const hostile = [
        `/search?q=${encodeURIComponent('gov* pre* min* ban*')}`,
        `/search?q=${encodeURIComponent('governmnt~2 presidnt~2 ministr~2 negotiatrs~2')}`,
        `/search?q=${encodeURIComponent(Array.from({ length: 32 }, (_, i) => `zzq${i}xv`).join(' '))}&mode=natural`,
        `/search?q=${encodeURIComponent('e\u0301\u0301* a\u0301\u0301* o\u0301\u0301*')}`,
      ];
      const mixed = normal.flatMap((path, i) =>
        i % 50 === 0 ? [path, hostile[(i / 50) % hostile.length] as string] : [path],
      );
      // 200 normal + 4 hostile per cycle ≈ 2%; dilute to 0.5% by repeating the normal paths.
      const mix = [...normal, ...normal, ...normal, ...mixed];
      const seconds = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 8);
      const before = await loadTest(server.url, normal, seconds, 10);
      const withHostile = await loadTest(server.url, mix, seconds, 10);
      const after = await loadTest(server.url, normal, seconds, 10);
      const baseline = (before.requestsPerSecond + after.requestsPerSecond) / 2;
      const ratio = withHostile.requestsPerSecond / baseline;
      const share = (hostile.length / mix.length) * 100;
      figures.push(
        `hostile load: normal ${before.requestsPerSecond.toFixed(0)}/${after.requestsPerSecond.toFixed(0)} req/s (before/after), with ${share.toFixed(2)}% hostile ${withHostile.requestsPerSecond.toFixed(0)} req/s, ratio ${ratio.toFixed(2)} (target ≥ 0.9); p99 ${before.latencyP99Ms}/${withHostile.latencyP99Ms} ms`,
      );
      check(
        withHostile.errors === 0 && withHostile.non2xx <= withHostile.requests * 0.01,
        `${withHostile.errors} errors, ${withHostile.non2xx} non-2xx`,
      );
      // Finding 5: every distinct publication year used to cost every query (0.28–0.30× at +300
      // one-article years). Partitions are sized now (segments/partition-layout.ts): add 300 and compare.
      const years = Array.from({ length: 300 }, (_, i) => ({
        title: `Almanac entry ${i}`,
        body: `A dispatch filed in its own year, number ${i}.`,
        publishedAt: `${1700 + i}-03-01T12:00:00Z`,
      }));
      for (let i = 0; i < years.length; i += 100) await postJson(server, years.slice(i, i + 100));
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const sparse = await loadTest(server.url, normal, seconds, 10);
      const yearsRatio = sparse.requestsPerSecond / baseline;
      figures.push(
        `sparse years: normal ${baseline.toFixed(0)} req/s (mean of before/after), after +300 one-article years ${sparse.requestsPerSecond.toFixed(0)} req/s, ratio ${yearsRatio.toFixed(2)} (was 0.28–0.30)`,
      );
      // Loose on purpose (a shared machine is noisy): it catches a return of the per-year cost.
      check(yearsRatio >= 0.6, `+300 one-article years cut throughput to ${yearsRatio.toFixed(2)}×`);
      return `ratio ${ratio.toFixed(2)} (target ≥ 0.9, reported); +300 years ${yearsRatio.toFixed(2)}×`;
    } finally {
      await server.kill();
    }
  },
);

console.log('\nfigures:');
for (const line of figures) console.log(`  ${line}`);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
