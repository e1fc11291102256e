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
  /**
   * Days a superseded object version in the snapshot bucket (a snapshot the indexer pruned, an old
   * manifest) is kept before the lifecycle deletes it: the window for restoring one by hand.
   */
  readonly noncurrentVersionDays: number;
  /** Retention of every log group of the stack. */
  readonly logRetention: RetentionDays;
  /** Search p99 duration above which the latency alarm fires, in milliseconds. */
  readonly searchP99AlarmMs: number;
  /** Optional e-mail address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /**
   * Partition functions (K). 0 keeps the single-function layout: the search function loads the whole
   * index. With K > 0 the search function becomes a coordinator holding no partitions, and K functions
   * each hold a balanced share (docs/SCALING.md). Set directly (`-c partitionFunctions=2`) or derived
   * from `-c expectedArticles=N` and `articlesPerPartitionFunction`.
   */
  readonly partitionFunctions: number;
  /** Memory of each partition function in MB (its share of the index lives in its heap). */
  readonly partitionMemoryMb: number;
  /**
   * Live articles at which the indexer closes the newest index partition and opens the next
   * (`ARCHIVE_PARTITION_TARGET`); undefined keeps the index's default (200,000). With partition
   * functions it is derived: see {@link partitionTargetFor}.
   */
  readonly partitionTarget?: number;
}

export const DEFAULT_SETTINGS: ArchiveSettings = {
  stage: 'dev',
  searchMemoryMb: 1769,
  indexerMemoryMb: 1769,
  apiRateLimit: 100,
  apiBurstLimit: 200,
  authorizerCacheSeconds: 300,
  indexerBatchWindowSeconds: 5,
  noncurrentVersionDays: 7,
  logRetention: RetentionDays.ONE_MONTH,
  searchP99AlarmMs: 1000,
  partitionFunctions: 0,
  partitionMemoryMb: 1769,
};

/**
 * Articles one partition function is sized for when K is derived from `expectedArticles`: half the
 * ~191k where one search function's p99 reaches 100 ms on the development machine (docs/SCALING.md),
 * so each function's share stays well inside every single-function ceiling.
 */
export const DEFAULT_ARTICLES_PER_PARTITION_FUNCTION = 100_000;

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
  if (node.tryGetContext('snapshotRetentionDays') !== undefined) {
    // Removed: it expired snapshots by age, which could expire the live one. Fail rather than ignore it.
    throw new Error(
      'Context "snapshotRetentionDays" was removed: the indexer prunes old snapshots itself; ' +
        'use "noncurrentVersionDays" for how long pruned snapshots stay restorable',
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
    noncurrentVersionDays: positiveInt(node, 'noncurrentVersionDays', d.noncurrentVersionDays, 1, 3650),
    logRetention: retentionDays as RetentionDays,
    searchP99AlarmMs: positiveInt(node, 'searchP99AlarmMs', d.searchP99AlarmMs, 10, 30000),
    partitionFunctions: partitionFunctionsFromContext(node),
    partitionMemoryMb: positiveInt(node, 'partitionMemoryMb', d.partitionMemoryMb, 128, 10240),
    ...partitionTargetFromContext(node),
    ...(typeof alarmEmail === 'string' && alarmEmail !== '' ? { alarmEmail } : {}),
  };
}

/**
 * Partitions sized for K functions: half the articles one function is sized for. A partition is the
 * unit the assignment places (partitions/assignment.ts), so with the index's default of 200,000 a
 * 200k archive was one partition on one function and nothing on the other (measured: 10.9 s and
 * 1.3 s cold starts, 1,173 MB and 173 MB). At half a function's share every function holds two or
 * more partitions, and greedy placement keeps each within the average plus one partition.
 */
export function partitionTargetFor(articlesPerFunction: number): number {
  return Math.max(1000, Math.ceil(articlesPerFunction / 2));
}

function partitionTargetFromContext(node: Node): { partitionTarget?: number } {
  if (node.tryGetContext('partitionTarget') !== undefined) {
    return { partitionTarget: positiveInt(node, 'partitionTarget', 0, 1000, 10_000_000) };
  }
  if (partitionFunctionsFromContext(node) === 0) return {};
  return { partitionTarget: partitionTargetFor(articlesPerFunctionFromContext(node)) };
}

/** K from `partitionFunctions`, else from `expectedArticles` / `articlesPerPartitionFunction`, else 0. */
function partitionFunctionsFromContext(node: Node): number {
  if (node.tryGetContext('partitionFunctions') !== undefined) {
    return positiveInt(node, 'partitionFunctions', 0, 0, MAX_PARTITION_FUNCTIONS);
  }
  const expected = positiveInt(node, 'expectedArticles', 0, 0, 1_000_000_000);
  if (expected === 0) return DEFAULT_SETTINGS.partitionFunctions;
  const per = articlesPerFunctionFromContext(node);
  const k = Math.ceil(expected / per);
  if (k > MAX_PARTITION_FUNCTIONS) {
    throw new Error(
      `expectedArticles / articlesPerPartitionFunction gives ${k} partition functions; at most ${MAX_PARTITION_FUNCTIONS}`,
    );
  }
  // One share is no share: an archive that fits one function keeps the single-function layout.
  return k <= 1 ? 0 : k;
}

function articlesPerFunctionFromContext(node: Node): number {
  return positiveInt(
    node,
    'articlesPerPartitionFunction',
    DEFAULT_ARTICLES_PER_PARTITION_FUNCTION,
    1000,
    10_000_000,
  );
}

/** The coordinator's fan-out: each request invokes every partition function once or twice. */
export const MAX_PARTITION_FUNCTIONS = 32;
