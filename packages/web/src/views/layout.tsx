import type { Child } from 'hono/jsx';
import { ASSETS } from '../assets';

/** The document around every page: landmarks, the search form, the stylesheet and the script. */
export function Layout(props: {
  title: string;
  q: string;
  hidden?: Record<string, string>;
  children: Child;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={ASSETS.css.path} />
        <script type="module" src={ASSETS.js.path} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to results
        </a>
        <header class="top">
          <a class="brand" href="/">
            Dispatch archive
          </a>
          {/* biome-ignore lint/a11y/useSemanticElements: a form with role=search is the landmark every reader supports; <search> is too new */}
          <form class="search" role="search" action="/" method="get" autocomplete="off">
            <label for="q" class="visually-hidden">
              Search the archive
            </label>
            <div class="combo">
              <input
                id="q"
                name="q"
                type="search"
                value={props.q}
                placeholder="Search dispatches"
                role="combobox"
                aria-autocomplete="list"
                aria-expanded="false"
                aria-controls="suggestions"
                aria-describedby="search-help"
                spellcheck={false}
              />
              <div id="suggestions" role="listbox" aria-label="Suggestions" hidden />
            </div>
            {Object.entries(props.hidden ?? {}).map(([name, value]) =>
              value ? <input type="hidden" name={name} value={value} /> : null,
            )}
            <button type="submit">Search</button>
            <p id="search-help" class="visually-hidden">
              Press slash to come back here; use the arrow keys to move through suggestions and results.
            </p>
          </form>
        </header>
        {props.children}
      </body>
    </html>
  );
}

/** The page for an id the archive does not have (or took down): an article or a story. */
export function NotFound(props: { what: 'Article' | 'Story'; message: string }) {
  return (
    <div class="body">
      <main id="main" tabindex={-1}>
        <h1>{props.what} not found</h1>
        <p>{props.message}</p>
        <p>
          <a href="/">Search the archive</a>
        </p>
      </main>
    </div>
  );
}
