import {
  type ArticleDraft,
  bandKeys,
  decodeSignature,
  encodeSignature,
  type Fingerprint,
  fingerprintOf,
  isNearDuplicate,
  sharedSlices,
  similarity,
  withinStoryWindow,
} from '@archive/core';
import type { BandEntry, StoryMember, StoryStore } from '@archive/store';

interface Pending {
  draft: ArticleDraft;
  fingerprint: Fingerprint;
  keys: string[];
}

/**
 * Gives each article of a batch its story at ingest: the story of the most similar earlier article
 * among those sharing an LSH band key (near-duplicate.ts), or a new story named after the article.
 *
 * One BatchGetItem round for the whole batch's band keys, then the batch is decided in order with
 * its own new band entries visible (copies within one batch join each other), then one batched
 * write of the keys that were free and of the membership items, before the articles themselves
 * are written (see story-store.ts for why that order, and why no transaction).
 *
 * Two copies uploaded at the same instant by different requests can both miss each other and start
 * two stories; the later upload of any further copy joins whichever owns its band keys.
 */
export class StoryAssigner {
  constructor(private readonly store: StoryStore) {}

  /** Story id by article id, for every draft. */
  async assign(drafts: readonly ArticleDraft[]): Promise<Map<string, string>> {
    // MinHash of a 5 MiB batch is hundreds of milliseconds: other requests run between slices.
    const pending: Pending[] = [];
    for (const draft of drafts) {
      const fingerprint = fingerprintOf(draft);
      pending.push({
        draft,
        fingerprint,
        keys: fingerprint.shingles > 0 ? bandKeys(fingerprint.signature) : [],
      });
      const pause = sharedSlices.due();
      if (pause) await pause;
    }
    const known = await this.store.getBands(pending.flatMap((p) => p.keys));
    const fingerprints = new Map<string, Fingerprint>();
    const fingerprintOfEntry = (entry: BandEntry): Fingerprint => {
      let fp = fingerprints.get(entry.articleId);
      if (!fp) {
        fp = { signature: decodeSignature(entry.signature), shingles: entry.shingles };
        fingerprints.set(entry.articleId, fp);
      }
      return fp;
    };

    const stories = new Map<string, string>();
    const newBands: BandEntry[] = [];
    const members: StoryMember[] = [];
    for (const { draft, fingerprint, keys } of pending) {
      const storyId =
        stories.get(draft.id) ?? this.decide(draft, fingerprint, keys, known, fingerprintOfEntry);
      stories.set(draft.id, storyId);
      const signature = encodeSignature(fingerprint.signature);
      for (const bandKey of keys) {
        if (known.has(bandKey)) continue;
        const entry: BandEntry = {
          bandKey,
          articleId: draft.id,
          storyId,
          publishedAt: draft.publishedAt,
          signature,
          shingles: fingerprint.shingles,
        };
        known.set(bandKey, entry);
        fingerprints.set(draft.id, fingerprint);
        newBands.push(entry);
      }
      // A story's first article is found by its id (the story id): only later copies get a
      // membership item. A batch may carry one dispatch twice; a batch write refuses a key twice.
      if (
        storyId !== draft.id &&
        !members.some((m) => m.articleId === draft.id && m.publishedAt === draft.publishedAt)
      ) {
        members.push({ storyId, articleId: draft.id, publishedAt: draft.publishedAt });
      }
    }
    await this.store.put(newBands, members);
    return stories;
  }

  private decide(
    draft: ArticleDraft,
    fingerprint: Fingerprint,
    keys: readonly string[],
    known: ReadonlyMap<string, BandEntry>,
    fingerprintOfEntry: (entry: BandEntry) => Fingerprint,
  ): string {
    let best: { storyId: string; jaccard: number } | null = null;
    const seen = new Set<string>();
    for (const key of keys) {
      const entry = known.get(key);
      if (!entry || seen.has(entry.articleId)) continue;
      seen.add(entry.articleId);
      // An earlier version of this very article: it stays in its story.
      if (entry.articleId === draft.id) return entry.storyId;
      if (!withinStoryWindow(entry.publishedAt, draft.publishedAt)) continue;
      const other = fingerprintOfEntry(entry);
      if (!isNearDuplicate(fingerprint, other)) continue;
      const { jaccard } = similarity(fingerprint, other);
      if (!best || jaccard > best.jaccard) best = { storyId: entry.storyId, jaccard };
    }
    return best?.storyId ?? draft.id;
  }
}
