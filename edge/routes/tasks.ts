import { Hono } from 'hono';
import { parseCreateVideoOptions } from '../../src/create-video-options.ts';
import type { AppEnv } from '../env.ts';
import { followerFor } from '../follower/follower-stub.ts';
import { jsonBody } from '../json-body.ts';

/**
 * The core's own check, so the edge accepts exactly what `createVideo` accepts. What it refuses
 * is an InvalidRequestError, in the client's own words: onError answers it 400.
 */
const createVideoBody = jsonBody(parseCreateVideoOptions);

/**
 * `POST /tasks`: submit a text- or image-to-video task; 201, `Location: /task/:id`. With VIDEOS,
 * the task's follower starts at once, so its video is kept even if nobody asks before tomorrow.
 */
export const tasksRoute = new Hono<AppEnv>().post('/', createVideoBody, async (c) => {
  const { taskId, requestId } = await c.get('upstream').client.createVideo(c.req.valid('json'));
  c.header('location', new URL(`/task/${encodeURIComponent(taskId)}`, c.req.url).href);
  c.header('cache-control', 'no-store');
  const created = { taskId, ...(requestId ? { requestId } : {}) };
  if (c.env.VIDEOS && c.env.FOLLOWERS) {
    // The task exists and is billed: its id must reach the caller whatever happens here.
    await followerFor(c.env, taskId)
      .follow(taskId)
      .catch(() => console.error('edge: the follower of a new task could not be started'));
  }
  return c.json(created, 201);
});
