import { Hono } from 'hono';
import { validator } from 'hono/validator';
import * as v from 'valibot';
import { CreateVideoOptionsSchema } from '../../src/create-video-options.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';

/** The core's own schema, so the edge accepts exactly what `createVideo` accepts. */
const createVideoBody = validator('json', (value, c) => {
  if (!/^application\/([\w.-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new EdgeError(
      400,
      'invalid_request',
      'Send the options as JSON (Content-Type: application/json).',
    );
  }
  const parsed = v.safeParse(CreateVideoOptionsSchema, value);
  if (!parsed.success) {
    throw new EdgeError(
      400,
      'invalid_request',
      `Invalid video request: ${v.summarize(parsed.issues).replaceAll('\n', '; ')}.`,
    );
  }
  return parsed.output;
});

/** `POST /tasks`: submit a text- or image-to-video task; 201, `Location: /task/:id`. */
export const tasksRoute = new Hono<AppEnv>().post('/', createVideoBody, async (c) => {
  const { taskId, requestId } = await c.get('upstream').client.createVideo(c.req.valid('json'));
  c.header('location', new URL(`/task/${encodeURIComponent(taskId)}`, c.req.url).href);
  c.header('cache-control', 'no-store');
  return c.json({ taskId, ...(requestId ? { requestId } : {}) }, 201);
});
