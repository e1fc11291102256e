/**
 * The index life cycle: the indexer (change batches → segments → manifest swap, merges, garbage
 * collection), rebuild from the table, the local indexer, the loader (load, refresh by delta) and
 * health. The segments themselves are the `segments` wing.
 */
export * from './index-health';
export * from './index-loader';
export * from './indexer';
export * from './local-indexer';
export * from './rebuild';
export * from './reconcile';
