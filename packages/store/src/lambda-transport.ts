import type { LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaSdk } from './aws-sdk-on-demand';

/**
 * Calls a partition function with Lambda's Invoke API (synchronous, `RequestResponse`): the
 * transport of the search package's remote partition hosts (its `PartitionTransport`, matched by
 * shape so this adapter needs nothing from the search package).
 *
 * - **Timeouts**: each attempt is cut after `attemptTimeoutMs` (the SDK's request timeout), and the
 *   whole call, retries included, after `callTimeoutMs` (an abort signal): a slow partition makes the
 *   answer incomplete, it never holds the request until API Gateway's 30 s cut.
 * - **Bounded retries**: the SDK's standard strategy retries throttling (`TooManyRequestsException`,
 *   429) and 5xx with jittered backoff, `maxAttempts` times in all.
 * - An invocation whose handler failed (`FunctionError`) rejects like any other failure.
 */
export interface LambdaTransportOptions {
  client: LambdaClient;
  /** Function name, ARN or alias ARN. */
  functionName: string;
  callTimeoutMs?: number;
}

export class FunctionInvocationError extends Error {
  override readonly name = 'FunctionInvocationError';
}

export class LambdaPartitionTransport {
  private readonly callTimeoutMs: number;

  constructor(private readonly options: LambdaTransportOptions) {
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  async invoke(document: Record<string, unknown>): Promise<unknown> {
    const answer = await this.options.client.send(
      new (lambdaSdk().InvokeCommand)({
        FunctionName: this.options.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(document)),
      }),
      { abortSignal: AbortSignal.timeout(this.callTimeoutMs) },
    );
    const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : 'null';
    if (answer.FunctionError) {
      throw new FunctionInvocationError(
        `${this.options.functionName} failed (${answer.FunctionError}): ${text.slice(0, 500)}`,
      );
    }
    return JSON.parse(text) as unknown;
  }
}

/** Whole-call limit, retries included: well under the coordinator's own 10 s timeout. */
export const DEFAULT_CALL_TIMEOUT_MS = 4000;
/** One attempt's limit: a warm partition answers in tens of milliseconds, a cold one in ~1–2 s. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 2500;
/** Attempts in all (the first and two retries). */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * One client for every partition function of a coordinator (module scope in the Lambda entry): its
 * connections are kept alive between invocations.
 *
 * @param endpoint only for an endpoint that speaks the Invoke API elsewhere (tests, the bench)
 */
export function partitionLambdaClient(
  options: { endpoint?: string; attemptTimeoutMs?: number; maxAttempts?: number } = {},
): LambdaClient {
  const { LambdaClient } = lambdaSdk();
  return new LambdaClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
      // Without it the handler only logs a warning when an attempt overruns its timeout.
      throwOnRequestTimeout: true,
      connectionTimeout: 1000,
    },
  });
}
