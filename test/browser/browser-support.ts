import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createLocalRuntime, defaultPlugins, type LocalRuntime } from '@archive/local';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * What the browser tests share: Debian's Chromium (never a downloaded browser), the real local
 * server with the example dispatches and the shipped wire sample, and axe-core.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

/**
 * Without Chromium the browser tests are skipped, loudly; in CI (`CI=true`) that is a failure, so
 * CI can never pass without running them (`.ci/run` installs Chromium first).
 */
export function requireChromiumInCi(): void {
  if (HAS_CHROMIUM) return;
  const message = `browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI must run them`);
  process.stderr.write(`\n*** ${message} ***\n\n`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const WIRE_SAMPLE = new URL('../fixtures/wire-sample.jsonl', import.meta.url);

/** The local server (in memory) with the examples and the wire sample indexed. */
export async function startArchive(): Promise<{ runtime: LocalRuntime; base: string; articles: number }> {
  const runtime = await createLocalRuntime({
    dataDir: null,
    importExamples: true,
    plugins: defaultPlugins(),
    log: () => {},
    logger: { error: () => {} },
  });
  const base = await runtime.listen(0, '127.0.0.1');
  const upload = await fetch(`${base}/dispatches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/x-ndjson' },
    body: await readFile(WIRE_SAMPLE),
  });
  const summary = (await upload.json()) as { failed: number; created: number };
  if (summary.failed > 0) throw new Error(`the wire sample did not import: ${JSON.stringify(summary)}`);
  const articles = await runtime.repository.count();
  await waitForIndex(base, articles);
  return { runtime, base, articles };
}

/** Waits until search sees `count` articles (the local indexer flushes every ~100 ms). */
export async function waitForIndex(base: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const body = (await (await fetch(`${base}/search?limit=1`)).json()) as { total: number };
    if (body.total === count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the index never reached ${count} articles`);
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * axe-core's WCAG 2.x A/AA rules on the page as it is. Evaluated through the DevTools protocol, so
 * the page's Content-Security-Policy (own scripts only) need not be loosened for the test.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(await axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(options: unknown): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[];
    }
    const results = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] },
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    }));
  });
}

export function seriousOrWorse(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
