import { DEFAULT_KEYS_TABLE_NAME, DEFAULT_TABLE_NAME } from '@archive/store';
import * as z from 'zod';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((value) =>
      value === undefined || value === '' ? fallback : ['true', '1', 'yes'].includes(value),
    );

/** The environment of `npm start` (names shared with the CDK stack; see README "Configuration"). */
export const localEnvSchema = z.object({
  ARCHIVE_DATA_DIR: z.string().min(1).default('./.archive'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ARCHIVE_INGEST_KEY: z.string().min(16, 'ARCHIVE_INGEST_KEY must be at least 16 characters').optional(),
  ARCHIVE_IMPORT_EXAMPLES: flag(true),
  ARCHIVE_TABLE_NAME: z.string().min(3).default(DEFAULT_TABLE_NAME),
  ARCHIVE_KEYS_TABLE_NAME: z.string().min(3).default(DEFAULT_KEYS_TABLE_NAME),
});

export type LocalEnv = z.infer<typeof localEnvSchema>;

/** Reads and validates the environment; throws one message naming every bad variable. */
export function readLocalEnv(env: NodeJS.ProcessEnv = process.env): LocalEnv {
  const result = localEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
