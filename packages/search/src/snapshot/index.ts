/**
 * The snapshot format: the file header and chunks, compression, the index payload codec, the
 * manifest that names the current snapshot, and the varint encoding they share.
 */
export * from './archive-index-codec';
export * from './snapshot-codec';
export * from './snapshot-manifest';
export * from './varint';
