/**
 * The MiniSearch adapter: the index definition (fields, analysis options, its fingerprint) and
 * every touch of MiniSearch's internal state (read access, the compact codec, lazily decoded postings).
 */
export * from './index-definition';
export * from './minisearch-codec';
export * from './minisearch-internals';
export * from './radix-tree';
