/**
 * The configuration of every Lambda entry, as zod schemas over `process.env`. Each entry reads its
 * schema once at module load and fails the cold start with one message naming every bad variable.
 *
 * Kept apart from the entries (which open clients and load the index when imported) so the infra
 * tests can check, without side effects, that the stack gives each function exactly the variables
 * its schema reads.
 */

import { storeFunctionConfigSchema } from '@archive/api';
import * as z from 'zod';
import { authorizerConfigSchema } from './authorizer-config';
import { type EnvSchema, readConfig } from './read-config';

/** Where the index snapshots live (names shared with the CDK stack and the local runtime). */
const indexBucketFields = {
  /** An S3 bucket name; `file:///dir` selects a local directory (bundled-handler tests, bench). */
  ARCHIVE_INDEX_BUCKET: z.string({ error: 'must be set to the index bucket name' }).min(1),
  ARCHIVE_INDEX_PREFIX: z.string().min(1).default('index/'),
  /** Only for an S3-compatible endpoint (MinIO, LocalStack); unset on AWS. */
  S3_ENDPOINT: z.url().optional(),
};

/** The alert table (standing searches, docs/ALERTS.md). */
const alertTableField = {
  ARCHIVE_ALERT_TABLE_NAME: z.string({ error: 'must be set to the alert table name' }).min(3),
};

/**
 * Tests only, never set on AWS: `true` allows webhooks over http and to loopback, so the bundled
 * handlers can deliver to a receiver on 127.0.0.1. Unset, the policy is https and public addresses only.
 */
const webhookPolicyField = {
  ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP: z.enum(['true', 'false']).optional(),
};

/** The queue matches wait in for their delivery. */
const alertQueueFields = {
  ARCHIVE_ALERT_QUEUE_URL: z.url({ error: 'must be set to the alert delivery queue URL' }),
  /** Only for an endpoint that speaks the SQS API elsewhere (tests); unset on AWS. */
  SQS_ENDPOINT: z.url().optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  LOG_LEVEL: storeFunctionConfigSchema.shape.LOG_LEVEL,
};

export const FUNCTION_CONFIG = {
  // The ingest function also serves /alerts (the same key guards both) when the alert table is set.
  ingest: storeFunctionConfigSchema.extend({
    ARCHIVE_ALERT_TABLE_NAME: alertTableField.ARCHIVE_ALERT_TABLE_NAME.optional(),
    ...webhookPolicyField,
  }),
  articles: storeFunctionConfigSchema,
  search: z.object({
    ...indexBucketFields,
    /** The article table, read by item (GetItem) for the reader's article page. */
    ARCHIVE_TABLE_NAME: z.string({ error: 'must be set to the article table name' }).min(3),
    /** The story table, for the story page (`GET /story/{id}`) and story sizes; unset: neither. */
    ARCHIVE_STORY_TABLE_NAME: z.string().min(3).optional(),
    /** Only for running the handler against dynalite / DynamoDB Local; unset on AWS. */
    DYNAMODB_ENDPOINT: z.url().optional(),
    /** Least time between two freshness checks of the snapshot manifest (a conditional GET, 304 when unchanged). */
    ARCHIVE_INDEX_REFRESH_MS: z.coerce.number().int().min(0).max(3_600_000).default(2000),
    /**
     * Worker threads the index partitions are loaded into and searched on in parallel (at most one
     * per vCPU: Lambda gives one per 1,769 MB); 0 or unset keeps them in the handler's thread.
     */
    ARCHIVE_SEARCH_WORKERS: z.coerce.number().int().min(0).max(16).optional(),
    /**
     * Names of the partition functions, comma-separated: when set, this function is the coordinator
     * and holds no partitions (docs/SCALING.md); unset, it loads the whole index itself.
     */
    ARCHIVE_PARTITION_FUNCTIONS: z
      .string()
      .regex(/^[\w:.-]+(,[\w:.-]+)*$/, 'must be function names separated by commas')
      .optional(),
    /** Longest wait for one partition function's answer, retries included (then the answer is incomplete). */
    ARCHIVE_PARTITION_TIMEOUT_MS: z.coerce.number().int().min(100).max(9000).default(4000),
    /** Only for an endpoint that speaks the Lambda Invoke API elsewhere (tests, bench); unset on AWS. */
    LAMBDA_ENDPOINT: z.url().optional(),
  }),
  partition: z.object({
    ...indexBucketFields,
    ARCHIVE_INDEX_REFRESH_MS: z.coerce.number().int().min(0).max(3_600_000).default(2000),
    /** This function's place among the partition functions (0-based) and how many there are. */
    ARCHIVE_PARTITION_INDEX: z.coerce.number({ error: "must be set to this function's index" }).int().min(0),
    ARCHIVE_PARTITION_COUNT: z.coerce
      .number({ error: 'must be set to the number of partition functions' })
      .int()
      .min(1)
      .max(64),
    /** How long a partition moved to another function is still served here (the hand-over). */
    ARCHIVE_PARTITION_HANDOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  }),
  indexer: z.object({
    ...indexBucketFields,
    /**
     * Live articles at which the newest index partition is closed and a new one opened (default
     * 200,000): with partition functions, at most the articles one function should hold.
     */
    ARCHIVE_PARTITION_TARGET: z.coerce.number().int().min(1).optional(),
  }),
  authorizer: authorizerConfigSchema,
  alertMatcher: z.object({
    ...alertTableField,
    ...alertQueueFields,
    /**
     * Longest time a warm matcher goes on with the alerts it loaded before it scans the alert table
     * again (a new alert starts matching within it; a deleted one is skipped at delivery anyway).
     */
    ARCHIVE_ALERTS_REFRESH_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  }),
  alertDelivery: z.object({
    ...alertTableField,
    ...alertQueueFields,
    ...webhookPolicyField,
    /**
     * Attempts per delivery (the message's receive count is the attempt number); the last failure
     * parks the alert. The queue's maxReceiveCount is set above it (see infra/lib/alerts.ts).
     */
    ARCHIVE_ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  }),
} as const;

export type FunctionConfigName = keyof typeof FUNCTION_CONFIG;
export type FunctionConfig<N extends FunctionConfigName> = z.output<(typeof FUNCTION_CONFIG)[N]>;

/** Variables only local runs and tests set; the stack never does (on AWS the SDK finds the endpoints). */
export const LOCAL_ONLY_VARIABLES: readonly string[] = [
  'DYNAMODB_ENDPOINT',
  'S3_ENDPOINT',
  'LAMBDA_ENDPOINT',
  'SQS_ENDPOINT',
  'ARCHIVE_WEBHOOK_ALLOW_LOOPBACK_HTTP',
];

/**
 * Variables read by the runtime or libraries rather than by the entry's own code: Node.js
 * (`NODE_OPTIONS`) and Powertools Logger (`POWERTOOLS_SERVICE_NAME`, `LOG_LEVEL`).
 */
export const RUNTIME_VARIABLES: readonly string[] = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL'];

/** Every variable a function's schema reads (required, defaulted and optional ones). */
export function configVariables(name: FunctionConfigName): string[] {
  return Object.keys(FUNCTION_CONFIG[name].shape);
}

/** The variables a function cannot start without (no default, not optional). */
export function requiredVariables(name: FunctionConfigName): string[] {
  const shape: Record<string, { safeParse(input: unknown): { success: boolean } }> =
    FUNCTION_CONFIG[name].shape;
  return Object.entries(shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

/** Validates a function's environment (see `readConfig`). */
export function readFunctionConfig<N extends FunctionConfigName>(
  name: N,
  env: NodeJS.ProcessEnv = process.env,
): FunctionConfig<N> {
  return readConfig(name, FUNCTION_CONFIG[name] as EnvSchema<FunctionConfig<N>>, env);
}
