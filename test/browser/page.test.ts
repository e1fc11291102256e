import { mkdir } from 'node:fs/promises';
import type { LocalRuntime } from '@archive/local';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  HAS_CHROMIUM,
  launchChromium,
  requireChromiumInCi,
  seriousOrWorse,
  startArchive,
  waitForIndex,
} from './browser-support';
import { NEW_LEAD, NEW_TITLE, OLD_LEAD, OLD_TITLE, STORY_WORD, uploadStory } from './story-fixture';

/**
 * The reader's page in a real browser (Debian's Chromium through playwright-core) against the real
 * local server: the example dispatches plus 300 wire dispatches from test/fixtures.
 */

requireChromiumInCi();

let browser: Browser;
let runtime: LocalRuntime;
let base: string;
let articles: number;
let context: BrowserContext;

const SCREENSHOT = new URL('../../docs/page.png', import.meta.url);

async function totalShown(page: Page): Promise<number> {
  const text = (await page.locator('#total strong').textContent()) ?? '';
  return Number(text.replaceAll(',', ''));
}

async function newPage(options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<Page> {
  const ctx =
    options.javaScriptEnabled === false || options.width
      ? await browser.newContext({
          javaScriptEnabled: options.javaScriptEnabled ?? true,
          viewport: { width: options.width ?? 1280, height: 900 },
        })
      : context;
  const page = await ctx.newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  return page;
}

/** Text as a reader sees it: runs of white space as one space. */
function normalised(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

describe.skipIf(!HAS_CHROMIUM)('the search page in Chromium', () => {
  beforeAll(async () => {
    [browser, { runtime, base, articles }] = await Promise.all([launchChromium(), startArchive()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('renders the first page on the server: it works without JavaScript', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto(`${base}/?q=cocoa`);
    expect(await page.locator('#results li').count()).toBeGreaterThan(0);
    expect(await page.locator('#results mark').first().textContent()).toMatch(/cocoa/i);
    expect(await totalShown(page)).toBeGreaterThan(0);
    expect(await page.locator('#timeline rect.bar').count()).toBeGreaterThan(0);
    // Links and forms do the rest: a facet is a link, "more results" a link with the cursor.
    const facet = page.locator('a[data-facet="source"]').first();
    const value = (await facet.locator('.facet-name').textContent()) ?? '';
    await facet.click();
    await page.waitForURL(/source=/);
    expect(await page.locator('.chips').textContent()).toContain(value);
    await page.goto(`${base}/`);
    await page.locator('#more').click();
    await page.waitForURL(/cursor=/);
    expect(await page.locator('#results li').count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it('shows marked results as you type, with completions from /suggest', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.locator('#q').pressSequentially('whea', { delay: 30 });
    await page.locator('#suggestions [role="option"]').first().waitFor();
    expect(await page.locator('#suggestions [role="option"]').allTextContents()).toContain('wheat');
    await page.locator('#q').pressSequentially('t', { delay: 30 });
    await page.waitForURL(/[?&]q=wheat/);
    await page.locator('#results mark').first().waitFor();
    expect((await page.locator('#results mark').first().textContent())?.toLowerCase()).toContain('wheat');
    expect(await page.locator('h1').textContent()).toContain('wheat');
    await page.close();
  });

  it('applies a facet: the count and the URL change, and the chip removes it', async () => {
    const page = await newPage();
    await page.goto(`${base}/?q=oil`);
    const before = await totalShown(page);
    const facet = page.locator('a[data-facet="place"]').first();
    const place = (await facet.locator('.facet-name').textContent()) ?? '';
    const count = Number(((await facet.locator('.count').textContent()) ?? '').replaceAll(',', ''));
    await facet.click();
    await page.waitForURL((url) => url.searchParams.get('place') === place);
    await expect.poll(() => totalShown(page)).toBe(count);
    expect(count).toBeLessThan(before);
    expect(await page.locator('.chips').textContent()).toContain(`Place: ${place}`);
    for (const hit of await page.locator('#results .dateline .place').allTextContents()) {
      expect(hit.toLowerCase()).toBe(place.toLowerCase());
    }
    // Back restores the state before the facet, forward brings it back.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('place'));
    await expect.poll(() => totalShown(page)).toBe(before);
    await page.goForward();
    await expect.poll(() => totalShown(page)).toBe(count);
    // The chip removes the refinement.
    await page.locator('.chips a.chip').first().click();
    await page.waitForURL((url) => !url.searchParams.has('place'));
    await expect.poll(() => totalShown(page)).toBe(before);
    await page.close();
  });

  it('sets the date range by dragging across the timeline', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    const before = await totalShown(page);
    expect(before).toBe(articles);
    const box = await page.locator('#timeline').boundingBox();
    if (!box) throw new Error('no timeline');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.has('from') && url.searchParams.has('to'));
    const url = new URL(page.url());
    const from = url.searchParams.get('from') as string;
    const to = url.searchParams.get('to') as string;
    expect(from <= to).toBe(true);
    await expect.poll(() => totalShown(page)).toBeLessThan(before);
    expect(await page.locator('.chips').textContent()).toContain(`Dates: ${from} to ${to}`);
    expect(await page.locator('#from').inputValue()).toBe(from);
    for (const instant of await page
      .locator('#results time[title="Published (UTC)"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''))) {
      expect(instant.slice(0, 10) >= from && instant.slice(0, 10) <= to, instant).toBe(true);
    }
    // The API agrees with the count shown.
    const api = (await (await fetch(`${base}/search?from=${from}&to=${to}&limit=1`)).json()) as {
      total: number;
    };
    expect(await totalShown(page)).toBe(api.total);
    await page.close();
  });

  it('opens an article with its dateline and related coverage, and comes back', async () => {
    const page = await newPage();
    await page.goto(`${base}/?q=cocoa`);
    const first = page.locator('a.result-link').first();
    const title = ((await first.textContent()) ?? '').trim();
    await first.click();
    await page.waitForURL(/\/read\//);
    expect(((await page.locator('article h1').textContent()) ?? '').trim()).toBe(title);
    expect(await page.locator('article .dateline time').count()).toBe(2);
    expect(await page.locator('article .meta').textContent()).toMatch(/Version \d+, last updated/);
    expect(await page.locator('#related-heading').textContent()).toBe('Related coverage');
    const id = decodeURIComponent(new URL(page.url()).pathname.slice('/read/'.length));
    const similar = await fetch(`${base}/articles/${encodeURIComponent(id)}/similar?limit=5`);
    if (similar.ok) {
      // The related list is the API's /similar answer.
      const body = (await similar.json()) as { results: { title: string }[] };
      expect(await page.locator('.related li > a').allTextContents()).toEqual(
        body.results.map((r) => r.title),
      );
    } else {
      expect(await page.locator('.related').textContent()).toContain('No related coverage found');
    }
    await page.goBack();
    await page.waitForURL(/\?q=cocoa/);
    expect(await page.locator('#q').inputValue()).toBe('cocoa');
    await page.close();
  });

  it('moves with the keyboard: / to the box, arrows through results, Enter opens', async () => {
    const page = await newPage();
    await page.goto(`${base}/?q=oil`);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    expect(await page.evaluate<unknown>(`document.activeElement?.id`)).toBe('q');
    await page.keyboard.press('ArrowDown');
    const links = page.locator('a.result-link');
    expect(await page.evaluate<unknown>(`document.activeElement?.className`)).toBe('result-link');
    await page.keyboard.press('ArrowDown');
    const second = await links.nth(1).getAttribute('href');
    expect(await page.evaluate<unknown>(`document.activeElement?.getAttribute('href')`)).toBe(second);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate<unknown>(`document.activeElement?.id`)).toBe('q');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === second);
    await page.close();
  });

  it('offers a spelling fix and names the words no article holds, as a web search engine does', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    // Typed, so the client renders the answer: a misspelt word gets "Did you mean".
    await page.locator('#q').pressSequentially('wheet', { delay: 30 });
    await page.waitForURL(/[?&]q=wheet/);
    const fix = page.locator('.did-you-mean a');
    await fix.waitFor();
    expect(await fix.textContent()).toBe('wheat');
    await fix.click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'wheat');
    await expect.poll(() => totalShown(page)).toBeGreaterThan(0);
    // A word no article holds is not required: the others still answer, and it is shown struck out.
    await page.goto(`${base}/?q=${encodeURIComponent('cocoa zzyzxq')}`);
    expect(await totalShown(page)).toBeGreaterThan(0);
    expect(await page.locator('.missing s').allTextContents()).toEqual(['zzyzxq']);
    await page.close();
  });

  it('appends more results by cursor', async () => {
    const page = await newPage();
    await page.goto(`${base}/?q=said`);
    const count = await page.locator('#results li').count();
    await page.locator('#more').click();
    await expect.poll(() => page.locator('#results li').count()).toBe(count * 2);
    const hrefs = await page
      .locator('a.result-link')
      .evaluateAll((els) => els.map((el) => el.getAttribute('href')));
    expect(new Set(hrefs).size).toBe(hrefs.length);
    await page.close();
  });

  it('escapes what articles say: no markup of theirs runs', async () => {
    const hostile = {
      title: 'Hostile <script>alert(1)</script> headline',
      body: 'Text with <img src=x onerror="alert(2)"> and <b>bold</b> markup, quarantine.',
      localTime: '2024-02-01T10:00:00',
      place: 'London',
    };
    const upload = await fetch(`${base}/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.ingestKey.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(hostile),
    });
    expect(upload.status, await upload.clone().text()).toBeLessThan(300);
    await waitForIndex(base, articles + 1);
    const page = await newPage();
    await page.goto(`${base}/?q=quarantine`);
    expect(await page.locator('#results a.result-link').first().textContent()).toContain('<script>');
    expect(await page.locator('#results img, #results b, #results script').count()).toBe(0);
    await page.locator('a.result-link').first().click();
    await page.waitForURL(/\/read\//);
    expect(await page.locator('article h1').textContent()).toContain('<script>alert(1)</script>');
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await page.close();
  });

  it('is readable at phone width (no sideways scrolling)', async () => {
    const page = await newPage({ width: 375 });
    await page.goto(`${base}/?q=oil`);
    expect(await page.evaluate<number>(`document.documentElement.scrollWidth`)).toBeLessThanOrEqual(375);
    await page.locator('a.result-link').first().click();
    await page.waitForURL(/\/read\//);
    expect(await page.evaluate<number>(`document.documentElement.scrollWidth`)).toBeLessThanOrEqual(375);
    await page.context().close();
  });

  it('groups copies of a story into one result, opens the story, and shows every dispatch on request', async () => {
    const story = await uploadStory(base, runtime.ingestKey.key);
    const page = await newPage();
    await page.goto(`${base}/?q=${STORY_WORD}`);
    // Grouped by default: one result for the two copies, saying so, with both counts in the stats.
    expect(await page.locator('#results > li').count()).toBe(1);
    expect(normalised(await page.locator('#total').textContent())).toBe(
      `2 dispatches in 1 story for ${STORY_WORD}`,
    );
    const line = page.locator('#results .story-line');
    expect(normalised(await line.textContent())).toBe(
      '1 of 2 dispatches in this story · Wire A, Wire B · first seen 14 May 2024',
    );
    // The story page: both copies oldest first, each linking to its article, the new lead marked.
    await line.locator('a.story-link').click();
    await page.waitForURL((url) => url.pathname === `/story/${story.storyId}`);
    const members = page.locator('.story-member');
    expect(await members.count()).toBe(2);
    expect(
      await members.locator('a.member-link').evaluateAll((els) => els.map((el) => el.getAttribute('href'))),
    ).toEqual([`/read/${story.original}`, `/read/${story.resent}`]);
    expect(await members.nth(0).locator('.dateline .source').textContent()).toBe('Wire A');
    expect(await members.nth(1).locator('.changes.added ins').allTextContents()).toEqual([
      NEW_TITLE,
      NEW_LEAD,
    ]);
    expect(await members.nth(1).locator('.changes.removed del').allTextContents()).toEqual([
      OLD_TITLE,
      OLD_LEAD,
    ]);
    await page.goBack();
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('q') === STORY_WORD);
    expect(await page.locator('#results > li').count()).toBe(1);
    // Every dispatch: both copies, no story line; the view stays in the URL and the search form.
    await page.locator('#view-toggle').click();
    await page.waitForURL((url) => url.searchParams.get('stories') === 'all');
    await expect.poll(() => page.locator('#results > li').count()).toBe(2);
    expect(normalised(await page.locator('#total').textContent())).toBe(`2 dispatches for ${STORY_WORD}`);
    expect(await page.locator('#results .story-line').count()).toBe(0);
    expect(await page.locator('form.search input[name="stories"]').inputValue()).toBe('all');
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('stories'));
    await expect.poll(() => page.locator('#results > li').count()).toBe(1);
    expect(await page.locator('form.search input[name="stories"]').count()).toBe(0);
    // An unknown story is a 404 page.
    const missing = await page.goto(`${base}/story/no-such-story`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Story not found');
    await page.close();
  });

  it('has no serious or critical axe-core violation on the search, results, story and article pages', async () => {
    const page = await newPage();
    const report: Record<string, unknown> = {};
    const { storyId } = await uploadStory(base, runtime.ingestKey.key);
    for (const [name, path] of [
      ['search', '/'],
      ['results', '/?q=oil&place=London'],
      ['grouped results', `/?q=${STORY_WORD}`],
      ['story', `/story/${storyId}`],
    ] as const) {
      await page.goto(`${base}${path}`);
      const violations = await axeScan(page);
      report[name] = violations;
      expect(seriousOrWorse(violations), name).toEqual([]);
    }
    await page.goto(`${base}/?q=oil`);
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await mkdir(new URL('.', SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT.pathname, fullPage: false });
    }
    await page.locator('a.result-link').first().click();
    await page.waitForURL(/\/read\//);
    const article = await axeScan(page);
    report.article = article;
    expect(seriousOrWorse(article), 'article').toEqual([]);
    process.stdout.write(`axe-core violations by page: ${JSON.stringify(report)}\n`);
    await page.close();
  });
});
