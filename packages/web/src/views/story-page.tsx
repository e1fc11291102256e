import type { StoryAnswer, StoryMember } from '../api-client';
import { formatCount, formatUtc } from './format';
import { Dateline } from './search-page';

/**
 * A story: every dispatch that carries it, oldest first, each linking to its article, with the
 * sentences it added and removed since the one before (what a correction fixed, what a new lead
 * brought).
 */
export function StoryView(props: { story: StoryAnswer; back: string }) {
  const { story, back } = props;
  const first = story.members[0];
  return (
    <div class="body article-body">
      <main id="main" tabindex={-1}>
        <p class="back">
          <a href={back}>← Back to results</a>
        </p>
        <h1>{first ? first.title : 'Story'}</h1>
        <p class="story-summary">
          {formatCount(story.size)} {story.size === 1 ? 'dispatch' : 'dispatches'}
          {story.sources.length > 0 ? <> from {story.sources.join(', ')}</> : null}, first seen{' '}
          <time datetime={story.firstSeen}>{formatUtc(story.firstSeen)}</time>, last{' '}
          <time datetime={story.lastSeen}>{formatUtc(story.lastSeen)}</time>.
        </p>
        <h2 class="visually-hidden">Dispatches, oldest first</h2>
        <ol class="story-members">
          {story.members.map((member, i) => (
            <Member member={member} position={i + 1} />
          ))}
        </ol>
      </main>
    </div>
  );
}

function Member(props: { member: StoryMember; position: number }) {
  const { member, position } = props;
  const changes = member.changes;
  const headingId = `member-${position}`;
  return (
    <li class="story-member" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <a class="member-link" href={`/read/${encodeURIComponent(member.id)}`}>
          {member.title}
        </a>
      </h3>
      <Dateline
        place={member.place}
        localTime={undefined}
        publishedAt={member.publishedAt}
        source={member.source}
      />
      {changes === null ? (
        <p class="changes-none">The first dispatch of the story.</p>
      ) : changes.added.length === 0 && changes.removed.length === 0 ? (
        <p class="changes-none">The same sentences as the dispatch before.</p>
      ) : (
        <>
          <SentenceList kind="added" sentences={changes.added} position={position} />
          <SentenceList kind="removed" sentences={changes.removed} position={position} />
        </>
      )}
    </li>
  );
}

const CHANGE_LABELS = {
  added: 'Added since the dispatch before',
  removed: 'Removed since the dispatch before',
} as const;

function SentenceList(props: { kind: 'added' | 'removed'; sentences: string[]; position: number }) {
  const { kind, sentences, position } = props;
  if (sentences.length === 0) return null;
  const id = `${kind}-${position}`;
  return (
    <section class={`changes ${kind}`} aria-labelledby={id}>
      <h4 id={id}>{CHANGE_LABELS[kind]}</h4>
      <ul>
        {sentences.map((sentence) => (
          <li>{kind === 'added' ? <ins>{sentence}</ins> : <del>{sentence}</del>}</li>
        ))}
      </ul>
    </section>
  );
}
