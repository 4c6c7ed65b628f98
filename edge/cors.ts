import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './env.ts';

/**
 * CORS for the origins in CORS_ORIGINS, never `*`. hono's cors sets its headers on a response
 * it creates before the route runs, which makes hono copy the route's response twice more; a
 * request without `Origin` is not a CORS request (browsers send it on every cross-origin
 * one), so it skips that and only gets `Vary: Origin`, which keeps a cache from handing its
 * answer to a cross-origin caller.
 */
export function corsFromSettings(): MiddlewareHandler<AppEnv> {
  const handler = cors({
    origin: (origin, c) => (c.get('settings').corsOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Range'],
    exposeHeaders: ['Location', 'Retry-After', 'Content-Range', 'Accept-Ranges'],
    maxAge: 600,
  });
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' || c.req.header('origin') !== undefined) {
      return handler(c, next);
    }
    // Before the route: responses built with c.body / c.json pick it up for free.
    c.header('Vary', 'Origin', { append: true });
    await next();
    // A route that returned its own Response (an R2 object) did not.
    if (!c.res.headers.get('vary')?.toLowerCase().includes('origin')) {
      c.header('Vary', 'Origin', { append: true });
    }
  };
}
