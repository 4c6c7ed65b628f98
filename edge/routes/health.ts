import { Hono } from 'hono/tiny';
import type { AppEnv } from '../env.ts';

/** `GET /healthz`: no auth, no upstream call (a health probe must not spend the provider's quota). */
export const healthRoute = new Hono<AppEnv>().get('/', (c) => {
  c.header('cache-control', 'no-store');
  return c.json({ ok: true, videos: Boolean(c.env.VIDEOS) });
});
