// Over 400 lines: the one owner of a partition's segment views (open, sealed, merged, followed);
// every method keeps the same maps of views and indexes in step, which is why they stay together.
import type { Article, Steps } from '@archive/core';
import { ArchiveIndex } from '../documents/archive-index';
import { ThreadSearch } from '../partitions/thread-search';
import {
  DEFAULT_PARTITION_TARGET,
  grownLayout,
  initialLayout,
  type PartitionBounds,
  partitionFor,
} from './partition-layout';
import type { IndexStateFile, SegmentEntry } from './segment-manifest';

/**
 * THE search index of the archive: partitions of publication time (partition-layout.ts), each a
 * set of segments (segment = one immutable, prebuilt `ArchiveIndex` stored as its own blob), plus
 * one open segment per partition that takes the changes not yet published.
 *
 * Every segment is searched as a partition of the coordinator (partitions/coordinator.ts): the
 * coordinator sums document counts, field lengths and term frequencies over all of them, so
 * scores, totals, facets, cursors and suggestions are exactly those of one index over the live
 * articles. A segment's articles that were updated or taken down since it was written are
 * removed from its in-memory index (exactly, postings and statistics) and listed as its delete
 * markers in the published state; the blob itself is never rewritten.
 *
 * An article lives in at most one segment; its older versions are deleted from the segments that
 * hold them. Removals are remembered (tombstones) in the open segment of the article's partition,
 * which is published like any segment, so a late redelivery of an older upsert cannot resurrect
 * a taken-down article after a restart either.
 */
export interface SegmentView {
  key: string;
  partition: string;
  index: ArchiveIndex;
  /** True once it has (or is being given) a blob; false for a partition's open segment. */
  sealed: boolean;
  /** Articles stored in its blob (sealed segments). */
  docs: number;
  bytes: number;
  /** Stored articles it no longer counts (sealed segments). */
  deleted: Set<string>;
  firstMs: number | null;
  lastMs: number | null;
}

export interface MergeCapture {
  inputs: { key: string; index: ArchiveIndex; deletedBefore: ReadonlySet<string> }[];
}

export interface SegmentedIndexOptions {
  /** Live articles at which the newest partition is closed and a new one opened. */
  partitionTarget?: number;
}

let openSequence = 0;

/** A segment without a blob yet, under an in-memory key. */
function unsealed(partition: string, index: ArchiveIndex): SegmentView {
  const key = `open:${partition}:${++openSequence}`;
  return {
    key,
    partition,
    index,
    sealed: false,
    docs: 0,
    bytes: 0,
    deleted: new Set(),
    firstMs: null,
    lastMs: null,
  };
}

export class SegmentedIndex extends ThreadSearch {
  private layout: PartitionBounds[] = initialLayout();
  private readonly segments = new Map<string, SegmentView>();
  /** The indexes of {@link segments}, by key: what the coordinator's host searches. */
  private readonly indexes: Map<string, ArchiveIndex>;
  private readonly openByPartition = new Map<string, string>();
  private generation = 0;
  readonly partitionTarget: number;

  private constructor(options: SegmentedIndexOptions) {
    const indexes = new Map<string, ArchiveIndex>();
    super(indexes);
    this.indexes = indexes;
    this.partitionTarget = options.partitionTarget ?? DEFAULT_PARTITION_TARGET;
  }

  static empty(options: SegmentedIndexOptions = {}): SegmentedIndex {
    return new SegmentedIndex(options);
  }

  /**
   * An index over prebuilt parts (a rebuild's year indexes, or a converted whole snapshot), each
   * an unpublished segment of the partition named, in a given layout.
   */
  static fromParts(
    layout: readonly PartitionBounds[],
    parts: readonly { partition: string; index: ArchiveIndex }[],
    options: SegmentedIndexOptions = {},
  ): SegmentedIndex {
    const out = new SegmentedIndex(options);
    out.layout = [...layout];
    for (const { partition, index } of parts) out.addSegment(unsealed(partition, index));
    out.changed();
    return out;
  }

  /** Live articles. */
  get size(): number {
    let n = 0;
    for (const index of this.indexes.values()) n += index.size;
    return n;
  }

  /** Counts changes (applied, loaded or merged); cursors and health report it. */
  get indexVersion(): string {
    return String(this.generation);
  }

  partitions(): readonly PartitionBounds[] {
    return this.layout;
  }

  /**
   * Builds every loaded segment's surface vocabulary in steps that may pause, for a process to run
   * in its time slices after a load, before a spelling hint needs them.
   */
  *prepareSurfaceSteps(): Steps<void> {
    for (const view of this.segmentList()) yield* view.index.prepareSurfaceSteps();
  }

  /** Segments in order (sealed ones in state order, open ones after). */
  segmentList(): SegmentView[] {
    return [...this.segments.values()];
  }

  segmentsOf(partition: string): SegmentView[] {
    return this.segmentList().filter((s) => s.partition === partition);
  }

  segment(key: string): SegmentView | undefined {
    return this.segments.get(key);
  }

  /** Highest version applied for an id, live or removed, over every segment. */
  versionOf(id: string): number | undefined {
    let highest: number | undefined;
    for (const index of this.indexes.values()) {
      const version = index.versionOf(id);
      if (version !== undefined && (highest === undefined || version > highest)) highest = version;
    }
    return highest;
  }

  has(id: string): boolean {
    return this.holderOf(id) !== undefined;
  }

  private holderOf(id: string): SegmentView | undefined {
    for (const segment of this.segments.values()) if (segment.index.has(id)) return segment;
    return undefined;
  }

  /** Adds or replaces an article unless a same-or-newer version was already applied. */
  applyUpsert(article: Article): boolean {
    const seen = this.versionOf(article.id);
    if (seen !== undefined && seen >= article.version) return false;
    const time = Date.parse(article.publishedAt);
    if (Number.isNaN(time)) throw new RangeError(`article ${article.id} has no valid publication time`);
    // The newest partition may have just reached its size: then a new one takes this article.
    if (partitionFor(this.layout, time) === this.layout.at(-1)) this.growLayout();
    const target = this.openSegment(partitionFor(this.layout, time).id);
    const holder = this.holderOf(article.id);
    if (holder && holder !== target) this.removeFrom(holder, article.id, article.version);
    if (!target.index.applyUpsert(article)) return false;
    this.changed();
    return true;
  }

  /** Removes an article unless a newer version was already applied. */
  applyRemove(id: string, version: number): boolean {
    const seen = this.versionOf(id);
    if (seen !== undefined && seen > version) return false;
    const holder = this.holderOf(id);
    if (holder) this.removeFrom(holder, id, version);
    // The removal itself is remembered where it will be published: the open segment.
    const partition = holder?.partition ?? (this.layout.at(-1) as PartitionBounds).id;
    const open = this.openSegment(partition);
    if (open !== holder) open.index.applyRemove(id, version);
    this.changed();
    return true;
  }

  private removeFrom(segment: SegmentView, id: string, version: number): void {
    segment.index.applyRemove(id, version);
    if (segment.sealed) segment.deleted.add(id);
  }

  private openSegment(partition: string): SegmentView {
    const key = this.openByPartition.get(partition);
    const found = key === undefined ? undefined : this.segments.get(key);
    if (found) return found;
    const view = unsealed(partition, ArchiveIndex.empty());
    this.addSegment(view);
    this.openByPartition.set(partition, view.key);
    return view;
  }

  private addSegment(view: SegmentView): void {
    this.segments.set(view.key, view);
    this.indexes.set(view.key, view.index);
  }

  private dropSegment(key: string): void {
    const view = this.segments.get(key);
    if (!view) return;
    this.segments.delete(key);
    this.indexes.delete(key);
    if (this.openByPartition.get(view.partition) === key) this.openByPartition.delete(view.partition);
  }

  /** Open segments with something to publish (articles or removals). */
  pendingSegments(): SegmentView[] {
    return this.segmentList().filter((s) => !s.sealed && (s.index.size > 0 || s.index.tombstoneCount > 0));
  }

  /**
   * Turns an open segment into a sealed one under its blob key: later changes go to a new open
   * segment, and later removals of its articles become its delete markers.
   */
  seal(openKey: string, blobKey: string, bytes: number): SegmentView {
    const view = this.segments.get(openKey);
    if (!view || view.sealed) throw new Error(`no open segment ${openKey}`);
    this.dropSegment(openKey);
    const range = view.index.timeRange();
    const sealed: SegmentView = {
      ...view,
      key: blobKey,
      sealed: true,
      docs: view.index.size,
      bytes,
      deleted: new Set(),
      firstMs: range?.firstMs ?? null,
      lastMs: range?.lastMs ?? null,
    };
    this.addSegment(sealed);
    this.changed();
    return sealed;
  }

  /**
   * Opens a new partition when the newest reached the target size (partition-layout.ts). Checked
   * before an article is routed to the newest partition.
   */
  growLayout(): boolean {
    const last = this.layout.at(-1) as PartitionBounds;
    let live = 0;
    let newestMs: number | null = null;
    for (const segment of this.segmentsOf(last.id)) {
      live += segment.index.size;
      const lastMs = segment.sealed ? segment.lastMs : (segment.index.timeRange()?.lastMs ?? null);
      if (lastMs !== null && (newestMs === null || lastMs > newestMs)) newestMs = lastMs;
    }
    const next = grownLayout(this.layout, { liveDocs: live, newestMs }, this.partitionTarget);
    if (next.length === this.layout.length) return false;
    this.layout = next;
    return true;
  }

  /**
   * The state to publish: every sealed segment with its delete markers. Open segments are not
   * in it (seal them first).
   */
  describe(retired: IndexStateFile['retired'] = []): IndexStateFile {
    return {
      format: 1,
      partitions: this.layout.map((bounds) => ({
        id: bounds.id,
        startMs: bounds.startMs,
        segments: this.segmentsOf(bounds.id)
          .filter((s) => s.sealed)
          .map(
            (s): SegmentEntry => ({
              key: s.key,
              docs: s.docs,
              bytes: s.bytes,
              deleted: [...s.deleted].sort(),
              firstMs: s.firstMs,
              lastMs: s.lastMs,
            }),
          ),
      })),
      retired,
    };
  }

  /**
   * Whether {@link followState} can reach `state` from here: every segment kept must have at least
   * the delete markers applied here (a rollback to an older state may take some back, and a
   * removal from an in-memory index cannot be undone: such a state is loaded afresh).
   */
  canFollow(state: IndexStateFile): boolean {
    for (const partition of state.partitions) {
      for (const entry of partition.segments) {
        const view = this.segments.get(entry.key);
        if (!view || view.deleted.size === 0) continue;
        if (view.deleted.size > entry.deleted.length) return false;
        const listed = new Set(entry.deleted);
        for (const id of view.deleted) if (!listed.has(id)) return false;
      }
    }
    return true;
  }

  /** Segment keys of `state` this index does not hold yet (a reader fetches these). */
  missingSegments(state: IndexStateFile): string[] {
    return state.partitions.flatMap((p) => p.segments.map((s) => s.key).filter((k) => !this.segments.has(k)));
  }

  /**
   * Makes this index follow a published state, given the segments it lacked (decoded, as stored):
   * segments no longer listed are dropped, new ones added, and delete markers applied. Synchronous,
   * so a request in the same thread sees the old state or the new one, never a mix. Only for an
   * index without unpublished changes (a reader's, or an indexer's right after a publication).
   */
  followState(state: IndexStateFile, fetched: ReadonlyMap<string, ArchiveIndex>): void {
    if (!this.canFollow(state)) throw new Error('this state takes back delete markers; load it afresh');
    const listed = new Set<string>();
    for (const partition of state.partitions) for (const s of partition.segments) listed.add(s.key);
    for (const key of [...this.segments.keys()]) if (!listed.has(key)) this.dropSegment(key);
    this.layout = state.partitions.map(({ id, startMs }) => ({ id, startMs }));
    const ordered: SegmentView[] = [];
    for (const partition of state.partitions) {
      for (const entry of partition.segments) {
        let view = this.segments.get(entry.key);
        if (!view) {
          const index = fetched.get(entry.key);
          if (!index) throw new Error(`segment ${entry.key} was not fetched`);
          view = {
            key: entry.key,
            partition: partition.id,
            index,
            sealed: true,
            docs: entry.docs,
            bytes: entry.bytes,
            deleted: new Set(),
            firstMs: entry.firstMs,
            lastMs: entry.lastMs,
          };
        }
        for (const id of entry.deleted) {
          if (view.deleted.has(id)) continue;
          view.deleted.add(id);
          const version = view.index.versionOf(id);
          if (version !== undefined) view.index.applyRemove(id, version);
        }
        ordered.push(view);
      }
    }
    // Re-insert in state order (segment order only matters for reproducible descriptions).
    const open = [...this.segments.values()].filter((s) => !s.sealed);
    this.segments.clear();
    this.indexes.clear();
    for (const view of [...ordered, ...open]) this.addSegment(view);
    this.changed();
  }

  /**
   * What a merge of sealed segments `keys` starts from: their indexes and the delete markers they
   * have now (a merge may then run elsewhere, e.g. after an await, while changes go on).
   */
  captureMerge(keys: readonly string[]): MergeCapture {
    return {
      inputs: keys.map((key) => {
        const view = this.segments.get(key);
        if (!view?.sealed) throw new Error(`no sealed segment ${key} to merge`);
        return { key, index: view.index, deletedBefore: new Set(view.deleted) };
      }),
    };
  }

  /**
   * Replaces the captured inputs by `output`, their merge (live articles only at capture time):
   * articles deleted from the inputs since the capture are deleted from the output too, so a merge
   * racing changes loses nothing. Returns false (and changes nothing) when an input is gone
   * (another merge took it).
   */
  replaceByMerge(
    capture: MergeCapture,
    output: { key: string; index: ArchiveIndex; bytes: number; partition: string },
  ): boolean {
    const inputs = capture.inputs.map((input) => input.key);
    const views = inputs.map((key) => this.segments.get(key));
    if (views.some((v) => !v?.sealed)) return false;
    const range = output.index.timeRange();
    const merged: SegmentView = {
      key: output.key,
      partition: output.partition,
      index: output.index,
      sealed: true,
      docs: output.index.size,
      bytes: output.bytes,
      deleted: new Set(),
      firstMs: range?.firstMs ?? null,
      lastMs: range?.lastMs ?? null,
    };
    for (const [i, view] of (views as SegmentView[]).entries()) {
      const before = capture.inputs[i]?.deletedBefore ?? new Set<string>();
      for (const id of view.deleted) {
        if (before.has(id)) continue;
        const version = merged.index.versionOf(id);
        if (merged.index.has(id) && version !== undefined) {
          merged.index.applyRemove(id, version);
          merged.deleted.add(id);
        }
      }
    }
    // Put the merged segment where its first input was, so descriptions keep a stable order.
    const entries = [...this.segments.values()];
    const first = entries.findIndex((v) => v.key === inputs[0]);
    const drop = new Set(inputs);
    const kept = entries.filter((v) => !drop.has(v.key));
    kept.splice(Math.min(first, kept.length), 0, merged);
    this.segments.clear();
    this.indexes.clear();
    for (const view of kept) this.addSegment(view);
    this.changed();
    return true;
  }

  private changed(): void {
    this.generation++;
    this.invalidate();
  }
}
