import { fileURLToPath } from 'node:url';
import type { LocalRuntime } from '@archive/local';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium, requireChromiumInCi, startArchive } from './browser-support';

/**
 * `GET /docs` renders the OpenAPI document in Chromium. Scalar's page loads its script from the
 * jsDelivr CDN; this machine has no internet, so the test answers that request with the same
 * script from the npm package (@scalar/api-reference, a dev dependency for this test only).
 */

requireChromiumInCi();

// The package's exports do not name its browser build; the workspace root holds the package.
const SCALAR_SCRIPT = fileURLToPath(
  new URL('../../node_modules/@scalar/api-reference/dist/browser/standalone.js', import.meta.url),
);

let browser: Browser;
let runtime: LocalRuntime;
let base: string;

describe.skipIf(!HAS_CHROMIUM)('the API reference at /docs in Chromium', () => {
  beforeAll(async () => {
    [browser, { runtime, base }] = await Promise.all([launchChromium(), startArchive()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it("renders the document: its operation groups, and the first group's operations", async () => {
    const page = await browser.newPage();
    await page.route(/^https:\/\/cdn\.jsdelivr\.net\/npm\/@scalar\/api-reference/, (route) =>
      route.fulfill({ path: SCALAR_SCRIPT, contentType: 'text/javascript' }),
    );
    await page.goto(`${base}/docs`);
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      info: { title: string };
      paths: Record<string, Record<string, { summary?: string; tags?: string[] }>>;
    };
    const operations = Object.values(document.paths).flatMap((byMethod) => Object.values(byMethod));
    const tags = [...new Set(operations.flatMap((op) => op.tags ?? []))];
    const first = operations.find((op) => op.tags?.[0] === tags[0])?.summary;
    expect(tags.length).toBeGreaterThan(3);
    // The first group opens with its operations; the others are listed as groups in the sidebar.
    await page
      .getByText(first as string)
      .first()
      .waitFor({ timeout: 30_000 });
    const text = await page
      .locator('body')
      .evaluate((body) => (body as unknown as { innerText: string }).innerText);
    expect(tags.filter((tag) => !text.includes(tag))).toEqual([]);
    await page.close();
  }, 90_000);
});
