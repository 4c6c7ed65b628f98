import type { MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { AppEnv } from './env.ts';
import { EdgeError } from './errors.ts';

/**
 * Not an open relay: every task route needs one of EDGE_API_KEYS (compared in constant time
 * by bearer-auth). With no keys the routes stay closed unless EDGE_PUBLIC says otherwise, so
 * a forgotten secret fails safe and says which setting is missing.
 */
export function requireCaller(): MiddlewareHandler<AppEnv> {
  let check: { keys: string[]; handler: MiddlewareHandler<AppEnv> } | undefined;
  return async (c, next) => {
    const { apiKeys } = c.var.settings;
    if (apiKeys.length === 0) {
      if (c.var.settings.public) return next();
      throw new EdgeError(
        401,
        'caller_unauthorized',
        'This endpoint has no API keys configured: set the secret EDGE_API_KEYS (comma-separated), or the var EDGE_PUBLIC="true" to serve without keys.',
      );
    }
    if (check?.keys !== apiKeys) check = { keys: apiKeys, handler: bearerAuth({ token: apiKeys }) };
    return check.handler(c, next);
  };
}
