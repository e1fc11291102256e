import * as z from 'zod';
import { DispatchValidationError } from './errors';

/** Tags and short fields are bounded so one dispatch cannot bloat an index entry. */
export const JSON_LIMITS = { maxTags: 50, maxTagLength: 100, maxShortField: 200, maxTitleLength: 1000 };

/**
 * The JSON dispatch. Time is either `publishedAt` (ISO 8601 with offset or `Z`), or a local wall
 * time (`localTime` without offset, or a raw-format `dateline`) together with `place` or
 * `timeZone`. Unknown fields are ignored; a null time or place field counts as absent (exports often
 * write missing values as null).
 */
export const jsonDispatchSchema = z.object({
  title: z.string().max(JSON_LIMITS.maxTitleLength),
  body: z.union([z.string(), z.array(z.string())]),
  publishedAt: z.string().nullish(),
  localTime: z.string().nullish(),
  dateline: z.string().nullish(),
  place: z.string().max(JSON_LIMITS.maxShortField).nullish(),
  timeZone: z.string().max(JSON_LIMITS.maxShortField).nullish(),
  caption: z.string().max(1000).nullable().optional(),
  source: z.string().max(JSON_LIMITS.maxShortField).nullable().optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional(),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as "en" or "ar"')
    .optional(),
  tags: z.array(z.string().trim().min(1).max(JSON_LIMITS.maxTagLength)).max(JSON_LIMITS.maxTags).optional(),
});

export type JsonDispatch = z.infer<typeof jsonDispatchSchema>;

/**
 * Validates a decoded JSON value as a dispatch.
 *
 * @throws DispatchValidationError `malformed` (not an object), `missing_title`, `empty_body` or
 *   `invalid_field` naming the first offending field
 */
export function readJsonDispatch(value: unknown): JsonDispatch {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DispatchValidationError('malformed', 'A JSON dispatch must be an object.', {
      expected: '{"title": ..., "body": ..., "publishedAt": ...}',
      received: Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value,
    });
  }
  const record = value as Record<string, unknown>;
  if (typeof record.title !== 'string' || record.title.trim().length === 0) {
    throw new DispatchValidationError('missing_title', 'The dispatch has no title.', {
      field: 'title',
      expected: 'a non-empty string',
    });
  }
  const body = record.body;
  const bodyEmpty =
    body === undefined ||
    body === null ||
    (typeof body === 'string' && body.trim().length === 0) ||
    (Array.isArray(body) && body.every((p) => typeof p === 'string' && p.trim().length === 0));
  if (bodyEmpty) {
    throw new DispatchValidationError('empty_body', 'The dispatch has no body.', {
      field: 'body',
      expected: 'a string, or an array of paragraph strings',
    });
  }
  const parsed = jsonDispatchSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new DispatchValidationError('invalid_field', `Field "${field}": ${issue?.message ?? 'invalid'}`, {
      field,
      issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}
