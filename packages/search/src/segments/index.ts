/**
 * Segments: the archive's index as partitions (by size) of immutable, prebuilt segments
 * (`SegmentedIndex`), their layout in the blob store (manifest, states, segment blobs), the merge
 * policy, garbage collection and rollback.
 */
export * from './collect-garbage';
export * from './garbage';
export * from './merge-policy';
export * from './partition-layout';
export * from './segment-codec';
export * from './segment-manifest';
export * from './segment-store';
export * from './segmented-index';
