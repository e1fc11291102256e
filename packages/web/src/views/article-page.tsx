import type { ArticleAnswer, SearchResult } from '../api-client';
import { formatUtc, safeHttpUrl } from './format';
import { Dateline } from './search-page';

/** An article: title, dateline, caption, paragraphs, source and link, version, related coverage. */
export function ArticleView(props: { article: ArticleAnswer; related: SearchResult[]; back: string }) {
  const { article, related, back } = props;
  const link = safeHttpUrl(article.url);
  return (
    <div class="body article-body">
      <main id="main" tabindex={-1}>
        <p class="back">
          <a href={back}>← Back to results</a>
        </p>
        <article lang={article.language}>
          <h1>{article.title}</h1>
          <Dateline
            place={article.place}
            localTime={article.localTime}
            publishedAt={article.publishedAt}
            source={article.source}
          />
          {article.caption ? <p class="caption">{article.caption}</p> : null}
          {article.paragraphs.map((paragraph) => (
            <p>{paragraph}</p>
          ))}
          <footer class="meta">
            <p>
              {article.source ? <>Source: {article.source}. </> : null}
              {link ? (
                <a href={link} rel="noopener noreferrer nofollow">
                  Original dispatch
                </a>
              ) : null}
            </p>
            <p>
              Version {article.version}, last updated{' '}
              <time datetime={article.updatedAt}>{formatUtc(article.updatedAt)}</time>.
            </p>
            {article.tags.length > 0 ? <p>Tags: {article.tags.join(', ')}</p> : null}
          </footer>
        </article>
      </main>
      <aside class="related" aria-labelledby="related-heading">
        <h2 id="related-heading">Related coverage</h2>
        {related.length > 0 ? (
          <ol>
            {related.map((hit) => (
              <li>
                <a href={`/read/${encodeURIComponent(hit.id)}`}>{hit.title}</a>
                <Dateline
                  place={hit.place}
                  localTime={hit.localTime}
                  publishedAt={hit.publishedAt}
                  source={hit.source}
                />
              </li>
            ))}
          </ol>
        ) : (
          <p>No related coverage found.</p>
        )}
      </aside>
    </div>
  );
}
