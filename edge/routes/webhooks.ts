import { Hono } from 'hono/tiny';
import { assertTaskId, type Task } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import { followerFor } from '../follower/follower-stub.ts';
import { MAX_WEBHOOKS_PER_TASK } from '../follower/webhook-job.ts';
import { jsonBody } from '../json-body.ts';
import { assertKnown } from '../task-source.ts';
import { assertWebhookAllowed } from '../webhook/webhook-allowed.ts';

const webhookBody = jsonBody((value) => {
  const body = value as { url?: unknown } | null;
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof body.url !== 'string' ||
    Object.keys(body).length !== 1
  ) {
    throw new EdgeError(400, 'invalid_request', 'Send the webhook as { "url": "https://…" }.');
  }
  return { url: body.url };
});

/**
 * `POST /task/:id/webhooks` `{ url }`: the task's follower POSTs a signed event to `url` when
 * the task ends. 201 `{ id, taskId, url }`, where `id` is the `webhook-id` every delivery
 * carries; 200 with the same answer when that URL was already subscribed.
 */
export const webhooksRoute = new Hono<AppEnv>().post('/:id/webhooks', webhookBody, async (c) => {
  const id = assertTaskId(c.req.param('id'));
  const { url } = c.req.valid('json');
  assertWebhookAllowed(c.get('settings'), url);
  const result = await followerFor(c.env, id).subscribe(id, url);
  if ('refused' in result) {
    // Throws the task's own 404.
    if (result.refused === 'not_found') assertKnown(JSON.parse(result.task) as Task);
    throw new EdgeError(
      409,
      'webhook_limit',
      `Task ${id} has ${MAX_WEBHOOKS_PER_TASK} webhooks already, the most one task may have.`,
    );
  }
  c.header('cache-control', 'no-store');
  return c.json({ id: result.id, taskId: id, url }, result.created ? 201 : 200);
});
