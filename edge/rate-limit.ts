import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';
import { EdgeError } from './errors.ts';

/** The binding's period as configured in wrangler.toml; what Retry-After can honestly promise. */
const PERIOD_SECONDS = 60;

/**
 * Per-caller limits through the Workers rate-limiting binding, when bound. The caller is its
 * API key (hashed: the binding's keys may show up in Cloudflare's analytics) or, on a public
 * endpoint, its IP.
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const limiter = c.env.RATE_LIMITER;
    if (!limiter) return next();
    const key = await callerKey(c.req.header('authorization'), c.req.header('cf-connecting-ip'));
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
  if (!authorization) return `ip:${ip ?? 'unknown'}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(authorization));
  return `key:${[...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
