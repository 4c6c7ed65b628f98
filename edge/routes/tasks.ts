import { Hono } from 'hono/tiny';
import { parseCreateVideoOptions } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import { followerFor, requireFollowers } from '../follower/follower-stub.ts';
import { jsonBody } from '../json-body.ts';
import { assertWebhookAllowed } from '../webhook/webhook-allowed.ts';

/**
 * The core's own check, so the edge accepts exactly what `createVideo` accepts, plus
 * `webhookUrl`. What it refuses is an InvalidRequestError, in the client's own words: onError
 * answers it 400.
 */
const createVideoBody = jsonBody((value) => {
  if (typeof value !== 'object' || value === null || !('webhookUrl' in value)) {
    return { options: parseCreateVideoOptions(value), webhookUrl: undefined };
  }
  const { webhookUrl, ...options } = value as { webhookUrl: unknown };
  if (typeof webhookUrl !== 'string') {
    throw new EdgeError(400, 'invalid_request', 'webhookUrl must be a URL (a string).');
  }
  return { options: parseCreateVideoOptions(options), webhookUrl };
});

/**
 * `POST /tasks`: submit a text- or image-to-video task; 201, `Location: /task/:id`. The task's
 * follower notes the submit (the watch page counts the task's time from it), and starts
 * following at once when its video is to be kept (VIDEOS) or `webhookUrl` waits for its end.
 */
export const tasksRoute = new Hono<AppEnv>().post('/', createVideoBody, async (c) => {
  const { options, webhookUrl } = c.req.valid('json');
  // Checked before the submit: a refused webhook must not cost a billed task.
  if (webhookUrl !== undefined) {
    assertWebhookAllowed(c.get('settings'), webhookUrl);
    requireFollowers(c.env);
  }
  const { taskId, requestId } = await c.get('upstream').client.createVideo(options);
  c.header('location', new URL(`/task/${encodeURIComponent(taskId)}`, c.req.url).href);
  c.header('cache-control', 'no-store');
  const created = { taskId, ...(requestId ? { requestId } : {}) };
  if (!c.env.FOLLOWERS) return c.json(created, 201);
  try {
    const { webhookId } = await followerFor(c.env, taskId).follow(taskId, {
      webhookUrl,
      prompt: options.prompt,
    });
    return c.json({ ...created, ...(webhookId ? { webhookId } : {}) }, 201);
  } catch {
    // The task exists and is billed: its id must reach the caller whatever happened here.
    console.error('edge: the follower of a new task could not be started');
    const webhookError =
      webhookUrl === undefined
        ? undefined
        : `The task was created but its webhook was not registered: POST /task/${taskId}/webhooks to try again.`;
    return c.json({ ...created, ...(webhookError ? { webhookError } : {}) }, 201);
  }
});
