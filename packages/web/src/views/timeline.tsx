import type { SearchAnswer } from '../api-client';
import { pageHref, type SearchState, withChange } from '../search-state';
import { formatCount, formatDate } from './format';

type Histogram = NonNullable<SearchAnswer['histogram']>;

const BAR = 10;
const HEIGHT = 100;

/**
 * The coverage timeline: matching articles per day, week, month or year (the API's `histogram=auto`
 * picks the interval from the result set's span). Drawn on the server as SVG, so it shows without
 * JavaScript; each bar links to its own date range (mouse), the caption summarises it for screen
 * readers, and the date fields beside it are the keyboard way to set a range. The script adds
 * dragging across bars to select a range.
 */
export function Timeline(props: { state: SearchState; histogram: Histogram }) {
  const { state, histogram } = props;
  const { buckets, interval } = histogram;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const busiest = buckets.reduce(
    (best, b) => (b.count > best.count ? b : best),
    buckets[0] as Histogram['buckets'][0],
  );
  const first = buckets[0] as Histogram['buckets'][0];
  const last = buckets.at(-1) as Histogram['buckets'][0];
  const span = `${buckets.length} ${interval}${buckets.length === 1 ? '' : 's'}`;
  return (
    <figure class="timeline" aria-labelledby="timeline-caption">
      <figcaption id="timeline-caption">
        Coverage by {interval}: {span} from {formatDate(first.start)} to {formatDate(last.end)}; the busiest{' '}
        {interval} began {formatDate(busiest.start)} with {formatCount(busiest.count)}.{' '}
        <span class="hint">Drag across the bars to pick dates.</span>
      </figcaption>
      <svg
        id="timeline"
        viewBox={`0 0 ${buckets.length * BAR} ${HEIGHT}`}
        preserveAspectRatio="none"
        aria-hidden="true"
        focusable="false"
        data-interval={interval}
      >
        {buckets.map((bucket, i) => {
          const h = bucket.count === 0 ? 0 : Math.max(2, (bucket.count / max) * HEIGHT);
          const selected =
            state.from !== '' && state.from <= bucket.start && (state.to === '' || bucket.end <= state.to);
          return (
            <a href={pageHref(withChange(state, { from: bucket.start, to: bucket.end }))} tabindex={-1}>
              <rect
                class={selected ? 'bar selected' : 'bar'}
                x={i * BAR}
                y={HEIGHT - h}
                width={BAR - 1}
                height={h}
                data-start={bucket.start}
                data-end={bucket.end}
              >
                <title>
                  {bucket.start === bucket.end ? bucket.start : `${bucket.start} to ${bucket.end}`}:{' '}
                  {bucket.count}
                </title>
              </rect>
              <rect class="hit" x={i * BAR} y={0} width={BAR} height={HEIGHT} />
            </a>
          );
        })}
        <rect id="timeline-selection" class="selection" x={0} y={0} width={0} height={HEIGHT} />
      </svg>
      <div class="axis" aria-hidden="true">
        <span>{formatDate(first.start)}</span>
        <span>{formatDate(last.end)}</span>
      </div>
    </figure>
  );
}
