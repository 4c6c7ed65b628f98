import type { Context } from 'hono';
import { Hono } from 'hono/tiny';
import { assertTaskId, terminalTaskError } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import { loadTask } from '../task-source.ts';
import { relayVideo } from '../video-relay.ts';
import { serveStoredVideo, storeVideo } from '../video-store.ts';

/**
 * `GET /task/:id/video`. With R2 bound as VIDEOS: copied there on first request, served from
 * there ever after (with Range). Without: a redirect to the provider's link while it lives,
 * 410 once it has expired.
 */
export const videoRoute = new Hono<AppEnv>().get('/:id/video', (c) =>
  taskVideo(c, assertTaskId(c.req.param('id'))),
);

export interface TaskVideoOptions {
  /**
   * Without R2, stream the provider's bytes through this origin instead of redirecting to its
   * link: for the watch page, whose CSP allows media from itself alone.
   */
  relay?: boolean;
}

/** The video of a checked id, as the route answers it; the watch page's video comes from here. */
export async function taskVideo(
  c: Context<AppEnv>,
  id: string,
  { relay = false }: TaskVideoOptions = {},
): Promise<Response> {
  const bucket = c.env.VIDEOS;
  if (bucket) {
    const stored = await serveStoredVideo(bucket, id, c.req.raw);
    if (stored) return stored;
  }
  const task = await loadTask(c, id);
  // Missing, expired or failed: there is no video, and the core says why.
  const failure = terminalTaskError(task);
  if (failure) throw failure;
  if (task.status !== 'done' || !task.videoUrl) {
    throw new EdgeError(
      409,
      'task_not_done',
      `Task ${id} has no video yet (status: ${task.status}). Follow /task/${id}/events or ask again later.`,
    );
  }
  const expiresAt = task.videoUrlExpiresAt ? Date.parse(task.videoUrlExpiresAt) : Number.NaN;
  if (expiresAt <= Date.now()) {
    throw new EdgeError(
      410,
      'video_expired',
      `The provider's link to the video of task ${id} expired at ${task.videoUrlExpiresAt}${bucket ? ' before it could be stored' : ''}. Bind an R2 bucket as VIDEOS to keep videos.`,
    );
  }
  if (!bucket) {
    if (relay) return relayVideo(task, c.req.raw, c.get('settings').upstreamTimeoutMs);
    c.header('cache-control', 'no-store');
    return c.redirect(task.videoUrl, 302);
  }
  await storeVideo(bucket, c.get('upstream').client, task);
  const stored = await serveStoredVideo(bucket, id, c.req.raw);
  if (!stored) throw new Error('stored video vanished');
  return stored;
}
