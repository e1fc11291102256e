/**
 * The worker entry that serves partitions, as TypeScript source: for callers running from source
 * (tests, the bench). A bundle passes its own URL instead (functions/search.ts).
 */
export const PARTITION_WORKER_SCRIPT = new URL('./worker-main.ts', import.meta.url);
