import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';
import { EdgeError } from './errors.ts';
import { sha256Hex } from './sha256-hex.ts';

/** The binding's period as configured in wrangler.toml; what Retry-After can honestly promise. */
const PERIOD_SECONDS = 60;

export interface RateLimitOptions {
  /**
   * The route is not behind `requireCaller` (a share link's page): whatever Authorization
   * header comes was never checked, so only the IP names the caller.
   */
  byIP?: boolean;
}

/**
 * Per-caller limits through the Workers rate-limiting binding, when bound. The caller is its
 * API key (hashed: the binding's keys may show up in Cloudflare's analytics) or, on a public
 * endpoint or a route no key guards, its IP.
 */
export function rateLimit(options: RateLimitOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const limiter = c.env.RATE_LIMITER;
    if (!limiter) return next();
    // With no keys any header passes the door, so it cannot name the caller: the IP does.
    const keyed = !options.byIP && c.get('settings').apiKeys.length > 0;
    const authorization = keyed ? c.req.header('authorization') : '';
    const key = await callerKey(authorization, c.req.header('cf-connecting-ip'));
    const { success } = await limiter.limit({ key });
    if (!success) {
      throw new EdgeError(
        429,
        'rate_limited',
        `Too many requests for this key; try again in ${PERIOD_SECONDS} s.`,
        PERIOD_SECONDS,
      );
    }
    return next();
  };
}

async function callerKey(authorization: string | undefined, ip: string | undefined) {
  // The key as bearer-auth reads it: "bearer  KEY" is the same caller as "Bearer KEY".
  const apiKey = authorization?.replace(/^bearer /i, '').trim();
  if (!apiKey) return `ip:${ip ?? 'unknown'}`;
  // 96 bits of the digest: enough to tell callers apart, short in the binding's analytics.
  return `key:${(await sha256Hex(apiKey)).slice(0, 24)}`;
}
