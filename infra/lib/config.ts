import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

/** Deployment settings; every one has a default and can be overridden with `cdk deploy -c name=value`. */
export interface ArchiveSettings {
  /** Deployment stage (`dev`, `prod`...): part of the stack name, so stages coexist in one account. */
  readonly stage: string;
  /**
   * Memory of the search function in MB. The whole index lives in its heap; Lambda allocates CPU in
   * proportion to memory and 1,769 MB is exactly one vCPU, which a single-threaded search can use fully.
   */
  readonly searchMemoryMb: number;
  /** Memory of the indexer in MB: it holds the index plus its serialised snapshot while writing it. */
  readonly indexerMemoryMb: number;
  /** API stage steady-state throttle, requests per second (whole API). */
  readonly apiRateLimit: number;
  /** API stage burst throttle, requests. */
  readonly apiBurstLimit: number;
  /** How long API Gateway caches an authorizer decision per Authorization header (revocation delay). */
  readonly authorizerCacheSeconds: number;
  /**
   * Longest the indexer stream mapping waits to fill a batch, in seconds (0-300). Every indexer run
   * rewrites the snapshot, so large archives want a longer window (see docs/DEPLOY.md, costs).
   */
  readonly indexerBatchWindowSeconds: number;
  /** Objects under `index/snapshots/` older than this are expired by the bucket lifecycle. */
  readonly snapshotRetentionDays: number;
  /** Retention of every log group of the stack. */
  readonly logRetention: RetentionDays;
  /** Search p99 duration above which the latency alarm fires, in milliseconds. */
  readonly searchP99AlarmMs: number;
  /** Optional e-mail address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
}

export const DEFAULT_SETTINGS: ArchiveSettings = {
  stage: 'dev',
  searchMemoryMb: 1769,
  indexerMemoryMb: 1769,
  apiRateLimit: 100,
  apiBurstLimit: 200,
  authorizerCacheSeconds: 300,
  indexerBatchWindowSeconds: 5,
  snapshotRetentionDays: 30,
  logRetention: RetentionDays.ONE_MONTH,
  searchP99AlarmMs: 1000,
};

/** Prefix under which index snapshots and their pointer live (matches `ARCHIVE_INDEX_PREFIX`). */
export const INDEX_PREFIX = 'index/';

function positiveInt(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `Context "${key}" must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/**
 * Reads the settings from CDK context (cdk.json or `-c key=value`), validating every value so a typo
 * fails the synth with a clear message instead of deploying something odd.
 */
export function settingsFromContext(node: Node): ArchiveSettings {
  const stage = String(node.tryGetContext('stage') ?? DEFAULT_SETTINGS.stage);
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) {
    throw new Error(`Context "stage" must match ^[a-z][a-z0-9-]{0,19}$, got ${JSON.stringify(stage)}`);
  }
  const d = DEFAULT_SETTINGS;
  const retentionDays = positiveInt(node, 'logRetentionDays', d.logRetention, 1, 3653);
  if (!Object.values(RetentionDays).includes(retentionDays)) {
    throw new Error(
      `Context "logRetentionDays" must be a CloudWatch retention value (1, 3, 5, 7, 14, 30, ...)`,
    );
  }
  const alarmEmail = node.tryGetContext('alarmEmail');
  return {
    stage,
    searchMemoryMb: positiveInt(node, 'searchMemoryMb', d.searchMemoryMb, 128, 10240),
    indexerMemoryMb: positiveInt(node, 'indexerMemoryMb', d.indexerMemoryMb, 128, 10240),
    apiRateLimit: positiveInt(node, 'apiRateLimit', d.apiRateLimit, 1, 10000),
    apiBurstLimit: positiveInt(node, 'apiBurstLimit', d.apiBurstLimit, 1, 5000),
    authorizerCacheSeconds: positiveInt(node, 'authorizerCacheSeconds', d.authorizerCacheSeconds, 0, 3600),
    indexerBatchWindowSeconds: positiveInt(
      node,
      'indexerBatchWindowSeconds',
      d.indexerBatchWindowSeconds,
      0,
      300,
    ),
    snapshotRetentionDays: positiveInt(node, 'snapshotRetentionDays', d.snapshotRetentionDays, 1, 3650),
    logRetention: retentionDays as RetentionDays,
    searchP99AlarmMs: positiveInt(node, 'searchP99AlarmMs', d.searchP99AlarmMs, 10, 30000),
    ...(typeof alarmEmail === 'string' && alarmEmail !== '' ? { alarmEmail } : {}),
  };
}
