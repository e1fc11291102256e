import { BATCH_LIMITS } from '@archive/core';

/**
 * Request limits of the HTTP API (documented in README.md, "Limits").
 *
 * A single dispatch is capped at 256 KiB: an article item is about the size of its text, so this
 * stays well under DynamoDB's 400 KB item limit with room for metadata and the tombstone fields.
 */
export const MAX_DISPATCH_BYTES = 256 * 1024;
/** A batch request (JSON array or NDJSON) body: core's batch limits (5 MiB, 500 items). */
export const MAX_BATCH_BYTES = BATCH_LIMITS.maxBytes;
export const MAX_BATCH_ITEMS = BATCH_LIMITS.maxItems;
/** Longest article id accepted in a path (core ids are far shorter; DynamoDB keys max 2 KB). */
export const MAX_ID_LENGTH = 256;
