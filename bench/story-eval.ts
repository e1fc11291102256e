import { StoryAssigner } from '@archive/api';
import type { ArticleDraft } from '@archive/core';
import type { BandEntry, StoryMember, StoryStore } from '@archive/store';

/**
 * The story table's behaviour in memory (same interface, same first-writer-wins band items), for
 * measuring the detection itself on large corpora without the store's cost in the figure.
 */
export class MemoryStoryStore implements StoryStore {
  readonly bands = new Map<string, BandEntry>();
  readonly stories = new Map<string, StoryMember[]>();

  async getBands(keys: readonly string[]): Promise<Map<string, BandEntry>> {
    const found = new Map<string, BandEntry>();
    for (const key of keys) {
      const entry = this.bands.get(key);
      if (entry) found.set(key, entry);
    }
    return found;
  }

  async put(bands: readonly BandEntry[], members: readonly StoryMember[]): Promise<void> {
    for (const band of bands) this.bands.set(band.bandKey, band);
    for (const member of members) {
      const list = this.stories.get(member.storyId) ?? [];
      if (!list.some((m) => m.articleId === member.articleId)) list.push(member);
      this.stories.set(member.storyId, list);
    }
  }

  async members(storyId: string): Promise<StoryMember[]> {
    return [...(this.stories.get(storyId) ?? [])].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  }
}

export interface PairScores {
  pairs: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

/** Pairwise precision and recall of predicted stories against labelled ones. */
export function pairScores(labels: readonly string[], predicted: readonly string[]): PairScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      pairs++;
      const same = labels[i] === labels[j];
      const said = predicted[i] === predicted[j];
      if (same && said) tp++;
      else if (said) fp++;
      else if (same) fn++;
    }
  }
  return {
    pairs,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
  };
}

/** Assigns stories to drafts in the given order, in batches (as ingest does); story id by article id. */
export async function assignInOrder(
  drafts: readonly ArticleDraft[],
  batchSize: number,
  store: StoryStore = new MemoryStoryStore(),
): Promise<Map<string, string>> {
  const assigner = new StoryAssigner(store);
  const stories = new Map<string, string>();
  for (let i = 0; i < drafts.length; i += batchSize) {
    for (const [id, story] of await assigner.assign(drafts.slice(i, i + batchSize))) stories.set(id, story);
  }
  return stories;
}
