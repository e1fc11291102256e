import type * as z from 'zod';
import { ApiError } from './errors';

/** Validates query parameters with a zod schema; a mismatch is a 400 naming each bad parameter. */
export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    parameter: issue.path.join('.'),
    message: issue.message,
  }));
  throw new ApiError(
    400,
    'invalid_query',
    `invalid query parameter: ${problems.map((p) => `${p.parameter} (${p.message})`).join(', ')}`,
    { problems },
  );
}

/** True for an IANA zone name the runtime knows (what luxon and the parser accept too). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
