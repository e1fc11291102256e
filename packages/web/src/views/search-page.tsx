import { raw } from 'hono/html';
import type { ApiFailure, SearchAnswer, SearchResult, StoryOfResult } from '../api-client';
import {
  activeRefinements,
  FACET_LABELS,
  FACETS,
  type FacetName,
  pageHref,
  type SearchState,
  SORTS,
  toggleFacet,
  withChange,
  withStories,
} from '../search-state';
import { formatCount, formatDate, formatLocal, formatUtc, markedHtml } from './format';
import { Timeline } from './timeline';

const SORT_LABELS = { relevance: 'Relevance', newest: 'Newest', oldest: 'Oldest' } as const;

/** One result: title to the article, dateline (place, local time), UTC time, source, snippet. */
export function ResultItem(props: { hit: SearchResult; storyPages: boolean }) {
  const { hit } = props;
  return (
    <li class="result">
      <h3>
        <a class="result-link" href={`/read/${encodeURIComponent(hit.id)}`}>
          {raw(markedHtml(hit.titleHighlighted))}
        </a>
      </h3>
      <Dateline
        place={hit.place}
        localTime={hit.localTime}
        publishedAt={hit.publishedAt}
        source={hit.source}
      />
      <p class="snippet">{raw(markedHtml(hit.snippet))}</p>
      {hit.story && hit.story.size > 1 ? <StoryLine story={hit.story} link={props.storyPages} /> : null}
    </li>
  );
}

/** `1 of 3 dispatches in this story · Reuters, AP · first seen 27 Nov 2024`, linking to the story. */
function StoryLine(props: { story: StoryOfResult; link: boolean }) {
  const { story } = props;
  const text = `1 of ${formatCount(story.size)} dispatches in this story`;
  return (
    <p class="story-line">
      {props.link ? (
        <a class="story-link" href={`/story/${encodeURIComponent(story.id)}`}>
          {text}
        </a>
      ) : (
        text
      )}
      {story.sources.length > 0 ? ` · ${story.sources.join(', ')}` : null} · first seen{' '}
      <time datetime={story.firstSeen}>{formatDate(story.firstSeen)}</time>
    </p>
  );
}

/** `JERUSALEM · 27 Nov 2024, 22:30 (UTC+02:00) · 27 Nov 2024, 20:30 UTC · Reuters`. */
export function Dateline(props: {
  place: string | null;
  localTime: string | undefined;
  publishedAt: string;
  source: string | null | undefined;
}) {
  return (
    <p class="dateline">
      {props.place ? <span class="place">{props.place}</span> : null}
      {props.localTime ? (
        <time datetime={props.localTime} title="Local time of the dateline">
          {formatLocal(props.localTime)}
        </time>
      ) : null}
      <time datetime={props.publishedAt} title="Published (UTC)">
        {formatUtc(props.publishedAt)}
      </time>
      {props.source ? <span class="source">{props.source}</span> : null}
    </p>
  );
}

function FacetList(props: { state: SearchState; facet: FacetName; answer: SearchAnswer }) {
  const { state, facet } = props;
  const buckets = props.answer.facets[facet] ?? [];
  const selected = state[facet];
  // The selected value stays listed (to unselect it) even when the API's top buckets omit it.
  const shown =
    selected && !buckets.some((b) => b.value === selected)
      ? [{ value: selected, count: 0 }, ...buckets]
      : buckets;
  if (shown.length === 0) return null;
  const id = `facet-${facet}`;
  return (
    <section class="facet" aria-labelledby={id}>
      <h2 id={id}>{FACET_LABELS[facet]}</h2>
      <ul>
        {shown.slice(0, 12).map((bucket) => (
          <li>
            <a
              class="facet-value"
              href={pageHref(toggleFacet(state, facet, bucket.value))}
              aria-current={bucket.value === selected ? 'true' : undefined}
              data-facet={facet}
            >
              <span class="facet-name">{bucket.value}</span>
              <span class="count">{formatCount(bucket.count)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Facets and the date range: plain links and a GET form, so they work without JavaScript. */
export function Refine(props: { state: SearchState; answer: SearchAnswer | null }) {
  const { state, answer } = props;
  return (
    <aside class="refine" aria-label="Refine results">
      <form class="dates" action="/" method="get" aria-labelledby="dates-heading">
        <h2 id="dates-heading">Date range</h2>
        {(['q', 'place', 'source', 'language', 'sort', 'stories'] as const).map((name) =>
          state[name] ? <input type="hidden" name={name} value={state[name]} /> : null,
        )}
        <label for="from">From</label>
        <input id="from" name="from" type="date" value={state.from} />
        <label for="to">To</label>
        <input id="to" name="to" type="date" value={state.to} />
        <button type="submit">Apply dates</button>
      </form>
      {answer ? FACETS.map((facet) => <FacetList state={state} facet={facet} answer={answer} />) : null}
    </aside>
  );
}

function Stats(props: { state: SearchState; answer: SearchAnswer }) {
  const { state, answer } = props;
  const noun = answer.total === 1 ? 'dispatch' : 'dispatches';
  const stories = answer.stories;
  return (
    <div class="stats">
      <p id="total" aria-live="polite">
        <strong>{formatCount(answer.total)}</strong> {noun}
        {stories ? (
          <>
            {' '}
            in {stories.exact ? null : 'at least '}
            <span class="story-count">{formatCount(stories.total)}</span>{' '}
            {stories.total === 1 ? 'story' : 'stories'}
          </>
        ) : null}
        {state.q ? (
          <>
            {' '}
            for <q>{state.q}</q>
          </>
        ) : null}
      </p>
      <p class="view">
        {state.stories === 'all' ? (
          <a id="view-toggle" href={pageHref(withStories(state, ''))}>
            Group copies of a story
          </a>
        ) : (
          <a id="view-toggle" href={pageHref(withStories(state, 'all'))}>
            Show every dispatch
          </a>
        )}
      </p>
      {answer.didYouMean ? (
        <p class="did-you-mean">
          Did you mean{' '}
          <a href={pageHref(withChange(state, { q: answer.didYouMean }))}>
            <em>{answer.didYouMean}</em>
          </a>
          ?
        </p>
      ) : null}
      {answer.missing && answer.missing.length > 0 ? (
        <p class="missing">
          Not all words required. Missing:{' '}
          {answer.missing.map((word, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <s>{word}</s>
            </>
          ))}
        </p>
      ) : null}
    </div>
  );
}

function Chips(props: { state: SearchState }) {
  const chips = activeRefinements(props.state);
  if (chips.length === 0) return null;
  return (
    <ul class="chips" aria-label="Current refinements">
      {chips.map((chip) => (
        <li>
          <a class="chip" href={pageHref(chip.without)} aria-label={`Remove ${chip.label}: ${chip.value}`}>
            {chip.label}: {chip.value} <span aria-hidden="true">×</span>
          </a>
        </li>
      ))}
      {chips.length > 1 ? (
        <li>
          <a
            class="chip clear"
            href={pageHref({
              ...props.state,
              place: '',
              source: '',
              language: '',
              from: '',
              to: '',
              cursor: '',
            })}
          >
            Clear all
          </a>
        </li>
      ) : null}
    </ul>
  );
}

function Sort(props: { state: SearchState }) {
  const { state } = props;
  const current = state.sort || (state.q ? 'relevance' : 'newest');
  return (
    <nav class="sort" aria-label="Sort results">
      <span>Sort:</span>
      {SORTS.map((sort) =>
        sort === 'relevance' && !state.q ? null : (
          <a
            href={pageHref(withChange(state, { sort }))}
            aria-current={sort === current ? 'true' : undefined}
          >
            {SORT_LABELS[sort]}
          </a>
        ),
      )}
    </nav>
  );
}

/** The results list and the "more results" link (the part the script appends to). */
export function ResultList(props: { state: SearchState; answer: SearchAnswer; storyPages: boolean }) {
  const { state, answer } = props;
  return (
    <>
      <h2 class="visually-hidden">Results</h2>
      <ol class="results" id="results">
        {answer.results.map((hit) => (
          <ResultItem hit={hit} storyPages={props.storyPages} />
        ))}
      </ol>
      {answer.nextCursor ? (
        <p class="more">
          <a id="more" href={pageHref({ ...state, cursor: answer.nextCursor })} rel="next">
            More results
          </a>
        </p>
      ) : null}
    </>
  );
}

/** Everything below the search box: refinements and results. Live updates replace this region. */
export function SearchBody(props: {
  state: SearchState;
  /** Whether results link to the story page (`GET /story/{id}` is served here). */
  storyPages: boolean;
  answer: SearchAnswer | null;
  error: ApiFailure | null;
}) {
  const { state, answer, error } = props;
  return (
    <div class="body" id="page-body" data-state={pageHref(state)}>
      <Refine state={state} answer={answer} />
      <main id="main" tabindex={-1}>
        <h1 class="visually-hidden">{state.q ? `Search results for ${state.q}` : 'Latest dispatches'}</h1>
        {error ? (
          <p class="error" role="alert">
            {error.message}
          </p>
        ) : null}
        {answer ? (
          <>
            <Stats state={state} answer={answer} />
            <Chips state={state} />
            {answer.histogram && answer.histogram.buckets.length > 0 ? (
              <Timeline state={state} histogram={answer.histogram} />
            ) : null}
            <Sort state={state} />
            {state.cursor ? (
              <p class="later-page">
                Later results. <a href={pageHref(withChange(state, {}))}>Back to the first results</a>
              </p>
            ) : null}
            <ResultList state={state} answer={answer} storyPages={props.storyPages} />
            {answer.results.length === 0 ? (
              <p class="empty">No dispatch matches. Try fewer words or refinements.</p>
            ) : null}
          </>
        ) : null}
      </main>
    </div>
  );
}
