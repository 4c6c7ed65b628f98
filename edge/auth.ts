import type { MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { AppEnv } from './env.ts';
import { EdgeError } from './errors.ts';
import { sha256Hex } from './sha256-hex.ts';

/**
 * bearer-auth compares SHA-256 digests of the configured key and of the presented one. The
 * configured keys' digests never change, so they are computed once: a request with a valid
 * key then hashes nothing, and any other token is hashed as before. The comparison itself
 * stays bearer-auth's constant-time one; only "valid or not" shows in the timing, which the
 * status code says anyway.
 */
function digestsOf(keys: string[]) {
  const known = new Map(keys.map((key) => [key, sha256Hex(key)]));
  return (text: string) => known.get(text) ?? sha256Hex(text);
}

/**
 * Not an open relay: every task route needs one of EDGE_API_KEYS (compared in constant time
 * by bearer-auth). With no keys the routes stay closed unless EDGE_PUBLIC says otherwise, so
 * a forgotten secret fails safe and says which setting is missing.
 */
export function requireCaller(): MiddlewareHandler<AppEnv> {
  let check: { keys: string[]; handler: MiddlewareHandler<AppEnv> } | undefined;
  return async (c, next) => {
    const { apiKeys } = c.get('settings');
    if (apiKeys.length === 0) {
      if (c.get('settings').public) return next();
      throw new EdgeError(
        401,
        'caller_unauthorized',
        'This endpoint has no API keys configured: set the secret EDGE_API_KEYS (comma-separated), or the var EDGE_PUBLIC="true" to serve without keys.',
      );
    }
    if (check?.keys !== apiKeys) {
      check = {
        keys: apiKeys,
        handler: bearerAuth({ token: apiKeys, hashFunction: digestsOf(apiKeys) }),
      };
    }
    return check.handler(c, next);
  };
}
