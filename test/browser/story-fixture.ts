import { expect } from 'vitest';

/** A word only the two copies of the test story hold. */
export const STORY_WORD = 'Krestovany';
export const OLD_LEAD = `An avalanche closed the ${STORY_WORD} pass on Tuesday, cutting the only road to three mountain villages.`;
export const NEW_LEAD = `Rescuers reached three mountain villages on Tuesday after an avalanche closed the ${STORY_WORD} pass.`;
export const OLD_TITLE = 'Avalanche Closes Mountain Pass';
export const NEW_TITLE = 'Rescuers Reach Villages Cut Off by Avalanche';
const STORY_BODY = [
  'Snow ploughs worked through the night to clear a lane for ambulances and fuel lorries, the regional road agency said.',
  'About 1,200 people live in the villages, which have food and medicine for a week, according to the district mayor.',
  'Forecasters warned of more heavy snow on Thursday and asked drivers to stay off mountain roads until the weekend.',
];

/**
 * A story of two copies (the shape docs/STORIES.md groups): a dispatch and the other wire's copy
 * 40 minutes later with a new lead. Uploading again changes nothing, so any test may ask for it.
 */
export async function uploadStory(
  base: string,
  ingestKey: string,
): Promise<{ storyId: string; original: string; resent: string }> {
  const original = {
    title: OLD_TITLE,
    body: [OLD_LEAD, ...STORY_BODY],
    publishedAt: '2024-05-14T06:00:00Z',
    place: 'Tbilisi',
    source: 'Wire A',
  };
  const resent = {
    ...original,
    title: NEW_TITLE,
    body: [NEW_LEAD, ...STORY_BODY],
    publishedAt: '2024-05-14T06:40:00Z',
    source: 'Wire B',
  };
  const response = await fetch(`${base}/dispatches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
    body: JSON.stringify([original, resent]),
  });
  const summary = (await response.json()) as {
    results: { id: string; status: string }[];
  };
  expect(response.status).toBe(200);
  const [first, second] = summary.results;
  if (!first?.id || !second?.id) throw new Error(`the story did not upload: ${JSON.stringify(summary)}`);
  await expect
    .poll(
      async () => ((await (await fetch(`${base}/search?q=${STORY_WORD}`)).json()) as { total: number }).total,
    )
    .toBe(2);
  const article = (await (await fetch(`${base}/articles/${first.id}`)).json()) as { storyId: string };
  const copy = (await (await fetch(`${base}/articles/${second.id}`)).json()) as { storyId: string };
  expect(copy.storyId).toBe(article.storyId);
  return { storyId: article.storyId, original: first.id, resent: second.id };
}
