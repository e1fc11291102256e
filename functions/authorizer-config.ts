// zod/mini with named imports: the whole of zod (~400 KB minified through the `z` namespace) would
// more than double the authorizer, which sits in front of every write whose decision is not cached.
import { minLength, object, optional, string, url } from 'zod/mini';

/** The authorizer's environment (see `functions/config.ts` for every function's). */
export const authorizerConfigSchema = object({
  ARCHIVE_KEYS_TABLE_NAME: string({ error: 'must be set to the ingest key table name' }).check(
    minLength(1, 'must be set to the ingest key table name'),
  ),
  /** Only for running against dynalite / DynamoDB Local; unset on AWS. */
  DYNAMODB_ENDPOINT: optional(url({ error: 'must be a URL' })),
});
