import type { KeyScope } from '@archive/store';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors';

/**
 * Decides whether a bearer token may use a route that needs `scope` (`ingest` for uploads and
 * takedowns, `alerts` for `/alerts`; an ingest key has both). Receives undefined when the header is
 * missing.
 */
export type Authorize = (bearer: string | undefined, scope: KeyScope) => Promise<boolean>;

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/**
 * Guards write routes. Without an `authorize` function every write is refused: an app that was
 * not told how to check keys fails closed rather than open.
 */
export function requireWriteKey(
  authorize: Authorize | undefined,
  scope: KeyScope = 'ingest',
): MiddlewareHandler {
  const needs = scope === 'ingest' ? 'an ingest key' : `an ingest key or a key with the ${scope} scope`;
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    const allowed = authorize ? await authorize(token, scope) : false;
    if (!allowed) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new ApiError(
        401,
        'unauthorized',
        token
          ? `the key is not valid for this route (it needs ${needs})`
          : `this route needs ${needs}: Authorization: Bearer <key>`,
      );
    }
    await next();
  };
}

/**
 * For Lambdas behind API Gateway: the gateway's authorizer already checked the ingest key on
 * every write route before the function is invoked, so the function trusts the request.
 * Never use it where the function can be reached any other way (no function URL, no other trigger).
 */
export const trustApiGatewayAuthorizer: Authorize = async () => true;
