/**
 * Reads a Lambda's configuration from the environment with a zod schema (classic or mini), once at
 * module load. Kept free of zod's runtime so the smallest bundle (the authorizer) stays small.
 */

/** What `readConfig` needs of a schema: `safeParse`, which classic and mini zod schemas both have. */
export interface EnvSchema<T> {
  safeParse(
    input: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * Validates the environment against a function's schema.
 *
 * @param functionName named in the error, e.g. `search`
 * @throws Error naming the function and every bad variable, e.g.
 *   `invalid configuration of the search function: ARCHIVE_INDEX_BUCKET: must be set to the index bucket name`
 */
export function readConfig<T>(
  functionName: string,
  schema: EnvSchema<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
  );
  throw new Error(`invalid configuration of the ${functionName} function: ${problems.join('; ')}`);
}
