/**
 * Partitions: the archive's index as time partitions (`PartitionedIndex`), the coordinator that
 * searches them as one index, and the worker threads that may hold them.
 */
export * from './partitioned-index';
export * from './worker-host';
export * from './worker-loader';
export * from './worker-script';
