import type * as z from 'zod';
import { ApiError } from './errors';

/**
 * Validates request parameters with a zod schema: the one way every route checks its parameters. A
 * mismatch is a 400 `invalid_parameters` whose `details.issues` name each bad parameter.
 */
export function parseParams<T extends z.ZodType>(schema: T, params: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  throw invalidParameters(
    result.error.issues.map((issue) => ({ parameter: issue.path.join('.'), message: issue.message })),
  );
}

/** The 400 for parameters that are present but wrong. */
export function invalidParameters(issues: { parameter: string; message: string }[]): ApiError {
  return new ApiError(
    400,
    'invalid_parameters',
    `invalid query parameter: ${issues.map((p) => `${p.parameter} (${p.message})`).join(', ')}`,
    { issues },
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
