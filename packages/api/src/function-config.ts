import * as z from 'zod';

/** Configuration every store-backed Lambda reads once at module load (names shared with the CDK stack). */
export const storeFunctionConfigSchema = z.object({
  ARCHIVE_TABLE_NAME: z.string().min(3),
  /** The story table (story detection at ingest, `GET /stories/{id}`); unset: no stories. */
  ARCHIVE_STORY_TABLE_NAME: z.string().min(3).optional(),
  /** Only for running the handlers against dynalite / DynamoDB Local; unset on AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'debug', 'info', 'warn', 'error']).default('INFO'),
});

export type StoreFunctionConfig = z.infer<typeof storeFunctionConfigSchema>;

/**
 * Validates the environment; throws one error naming every bad variable, so a misconfigured
 * function fails at cold start with a clear message instead of on the first request.
 */
export function readStoreFunctionConfig(env: NodeJS.ProcessEnv = process.env): StoreFunctionConfig {
  const result = storeFunctionConfigSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid function configuration: ${problems.join('; ')}`);
}
