/**
 * Partitions: the archive's index as time partitions (`PartitionedIndex`), the coordinator that
 * searches them as one index, and what may hold them: worker threads, or partition functions (the
 * holder and service on their side, the remote host and remote search on the coordinator's).
 */
export * from './assignment';
export * from './partition-holder';
export * from './partition-service';
export * from './partitioned-index';
export type { PartitionInfo } from './protocol';
export * from './remote-host';
export * from './remote-search';
export { PayloadTooLargeError } from './wire';
export * from './worker-host';
export * from './worker-loader';
export * from './worker-script';
