import type { SegmentedIndex } from '../segments/segmented-index';

/** What the indexer reports: publications, batch results, its in-memory state and merges. */

export interface Publication {
  version: number;
  attempts: number;
  /** Bytes written to the blob store: new segments, state and manifest. */
  bytesWritten: number;
  segmentsWritten: number;
}

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  /** Changes that altered the index. */
  applied: number;
  /** Redelivered or superseded changes, ignored by version. */
  skipped: number;
  /** The publication made for this batch, or null when nothing needed publishing. */
  published: Publication | null;
}

/** The indexer's in-memory view, handed to a same-process loader (local runtime). */
export interface IndexState {
  index: SegmentedIndex;
  /** Version of the publication this index is based on (0 before the first). */
  version: number;
  /** Increases on every in-memory change; orders states that share a version. */
  revision: number;
  articleCount: number;
  highWatermark: string | null;
  /** Changes applied in memory but not yet published. */
  unpublished: number;
}

export interface MergeReport {
  /** Segments merged away and the segments written in their place. */
  inputs: number;
  outputs: number;
  /** Bytes of merged segments written, and of the publications that followed. */
  bytesWritten: number;
  garbage: number;
}
