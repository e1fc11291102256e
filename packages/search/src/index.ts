/**
 * @archive/search: the search engine, pure (no AWS SDK, HTTP or file system). One folder per wing;
 * each wing's index.ts says what it offers. Blob store and change records come in through the ports
 * of @archive/core.
 */
export * from './alerts';
export * from './documents';
export * from './lifecycle';
export * from './minisearch';
export * from './partitions';
export * from './query';
export * from './ranking';
export * from './segments';
export * from './snapshot';
export * from './text';
