/**
 * The index life cycle: the indexer (change batches → snapshot → manifest swap), the publisher,
 * rebuild from the table, the local indexer, the loader (load, refresh policy, atomic swap) and health.
 */
export * from './index-health';
export * from './index-loader';
export * from './indexer';
export * from './local-indexer';
export * from './rebuild';
export * from './snapshot-publisher';
