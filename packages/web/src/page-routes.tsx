import type { Context, Hono } from 'hono';
import { raw } from 'hono/html';
import {
  type ApiFailure,
  type ApiFetch,
  getArticle,
  getStory,
  relatedCoverage,
  searchArchive,
} from './api-client';
import { ASSETS } from './assets';
import { pageHref, stateFromParams } from './search-state';
import { ArticleView } from './views/article-page';
import { Layout, NotFound } from './views/layout';
import { SearchBody } from './views/search-page';
import { StoryView } from './views/story-page';

export interface PageRoutesOptions {
  /**
   * How the page asks the API. Default: the app it is mounted on, in process (`app.request`), so
   * the page answers from the same routes, validation and errors as any API client.
   */
  api?: ApiFetch;
  /**
   * Serve `GET /story/{id}` and link results to it. Default true; false where the API this page asks
   * has no `GET /stories/{id}` (the search function on AWS cannot read the story table).
   */
  storyPages?: boolean;
}

/** Header with which the page's script asks for the part of the page below the search box. */
export const FRAGMENT_HEADER = 'x-page-fragment';

/**
 * The reader's pages on an app: `GET /` (search), `GET /read/{id}` (an article), `GET /story/{id}`
 * (the dispatches of a story) and their two assets. Every page is whole HTML rendered on the server (hono JSX: text escaped by default), so it
 * works without JavaScript; the script (client/main.ts) makes it live.
 */
export function registerPageRoutes(app: Hono, options: PageRoutesOptions = {}): void {
  const api: ApiFetch = options.api ?? ((path) => Promise.resolve(app.request(path)));
  const storyPages = options.storyPages ?? true;

  for (const file of Object.values(ASSETS)) {
    app.get(file.path, (c) => {
      c.header('Content-Type', file.type);
      c.header('Cache-Control', 'public, max-age=31536000, immutable');
      return c.body(file.body);
    });
  }

  app.get('/', async (c) => {
    const state = stateFromParams(new URL(c.req.url).searchParams);
    const answer = await searchArchive(api, state);
    const body = (
      <SearchBody
        storyPages={storyPages}
        state={state}
        answer={answer.ok ? answer.body : null}
        error={answer.ok ? null : answer.error}
      />
    );
    const status = answer.ok ? 200 : answer.error.status >= 500 ? 503 : 400;
    pageHeaders(c);
    if (c.req.header(FRAGMENT_HEADER) === 'body') return c.html(body, status);
    const title = state.q ? `${state.q} · Dispatch archive` : 'Dispatch archive';
    const { q: _q, cursor: _cursor, ...kept } = state;
    return c.html(
      <>
        {raw('<!doctype html>')}
        <Layout title={title} q={state.q} hidden={kept}>
          {body}
        </Layout>
      </>,
      status,
    );
  });

  app.get('/read/:id', async (c) => {
    const id = c.req.param('id');
    const [article, related] = await Promise.all([getArticle(api, id), relatedCoverage(api, id)]);
    pageHeaders(c);
    if (!article.ok) return notFoundPage(c, 'Article', article.error);
    return c.html(
      <>
        {raw('<!doctype html>')}
        <Layout title={`${article.body.title} · Dispatch archive`} q="">
          <ArticleView article={article.body} related={related} back={backToResults(c)} />
        </Layout>
      </>,
    );
  });

  if (storyPages) registerStoryPage(app, api);
}

/** `GET /story/{id}`: a story's dispatches, oldest first, with what each changed. */
function registerStoryPage(app: Hono, api: ApiFetch): void {
  app.get('/story/:id', async (c) => {
    const story = await getStory(api, c.req.param('id'));
    pageHeaders(c);
    if (!story.ok) return notFoundPage(c, 'Story', story.error);
    const title = story.body.members[0]?.title ?? 'Story';
    return c.html(
      <>
        {raw('<!doctype html>')}
        <Layout title={`${title} (story) · Dispatch archive`} q="">
          <StoryView story={story.body} back={backToResults(c)} />
        </Layout>
      </>,
    );
  });
}

/** An article or story the archive does not have (404), or could not read (503). */
function notFoundPage(c: Context, what: 'Article' | 'Story', error: ApiFailure) {
  const status = error.status === 404 || error.status === 400 ? 404 : 503;
  return c.html(
    <>
      {raw('<!doctype html>')}
      <Layout title={`${what} not found · Dispatch archive`} q="">
        <NotFound what={what} message={error.message} />
      </Layout>
    </>,
    status,
  );
}

/** The search page the reader came from (same site), else the front page. */
function backToResults(c: Context): string {
  const referer = c.req.header('referer');
  if (!referer) return '/';
  try {
    const from = new URL(referer);
    return from.host === new URL(c.req.url).host && from.pathname === '/'
      ? pageHref(stateFromParams(from.searchParams))
      : '/';
  } catch {
    return '/';
  }
}

/**
 * Pages run only their own script and style: an article's text is escaped when rendered, and the
 * policy would stop a script even if something slipped through.
 */
function pageHeaders(c: Context): void {
  c.header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'same-origin');
  c.header('Vary', FRAGMENT_HEADER);
}
