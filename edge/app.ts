import { Hono } from 'hono/tiny';
import { requireCaller } from './auth.ts';
import { corsFromSettings } from './cors.ts';
import type { AppEnv } from './env.ts';
import { notFound, onError } from './errors.ts';
import { rateLimit } from './rate-limit.ts';
import { discordRoute } from './routes/discord.ts';
import { eventsRoute } from './routes/events.ts';
import { healthRoute } from './routes/health.ts';
import { shareRoute } from './routes/share.ts';
import { taskRoute } from './routes/task.ts';
import { tasksRoute } from './routes/tasks.ts';
import { videoRoute } from './routes/video.ts';
import { watchRoute } from './routes/watch.tsx';
import { webhooksRoute } from './routes/webhooks.ts';
import { readSettings } from './settings.ts';
import { upstreamFor } from './upstream.ts';

/** The edge endpoint. Everything it needs comes from the Worker's env at request time. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const settings = readSettings(c.env);
    c.set('settings', settings);
    c.set('upstream', upstreamFor(settings));
    await next();
  });
  // Before auth: a browser's preflight carries no Authorization header.
  app.use(corsFromSettings());
  app.route('/healthz', healthRoute);
  // Discord's signature is the authentication here: no caller key, no per-key rate limit.
  app.route('/discord', discordRoute);
  app.use('/task/*', requireCaller(), rateLimit());
  app.use('/tasks', requireCaller(), rateLimit());
  app.route('/task', taskRoute);
  app.route('/task', eventsRoute);
  app.route('/task', videoRoute);
  app.route('/task', webhooksRoute);
  app.route('/task', shareRoute);
  app.route('/tasks', tasksRoute);
  // No key: a share link's `sig` is the grant (edge/share-link.ts).
  app.route('/v', watchRoute);
  app.onError(onError);
  app.notFound(notFound);
  return app;
}
