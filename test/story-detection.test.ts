import { describe, expect, it } from 'vitest';
import { assignInOrder, pairScores } from '../bench/story-eval';
import { labelledStorySet } from './fixtures/story-variants';

/**
 * The labelled set (test/fixtures/story-variants.ts) through the ingest-time assigner: every copy
 * kind joins its original's story, and no hard negative (another story from the same place and
 * day) does. The figures themselves are printed by `npm run bench -- stories`.
 */
describe('story detection on the labelled set', () => {
  it('puts every re-sent, corrected, re-led and re-sourced copy in its story and nothing else', async () => {
    const set = labelledStorySet();
    expect(set).toHaveLength(30);
    // Order of arrival shuffled deterministically: detection must not depend on originals coming first.
    const order = set.map((_, i) => (i * 7) % set.length);
    const stories = await assignInOrder(
      order.map((i) => set[i]?.draft).filter((d) => d !== undefined),
      4,
    );
    const predicted = set.map((entry) => stories.get(entry.draft.id) as string);
    const scores = pairScores(
      set.map((entry) => entry.story),
      predicted,
    );
    expect(scores.falsePositives).toBe(0);
    expect(scores.recall).toBe(1);
  });
});
