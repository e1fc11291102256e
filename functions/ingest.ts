// PLACEHOLDER until api merges
/**
 * Stand-in entry so the CDK app can bundle and synthesise before the real handler lands; it answers
 * every invocation with a fixed 503 JSON body.
 */
export const handler = async (): Promise<{
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}> => ({
  statusCode: 503,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    error: { code: 'not_deployed', message: 'The ingest function is not implemented yet' },
  }),
});
