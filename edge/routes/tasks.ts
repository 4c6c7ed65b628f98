import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { parseCreateVideoOptions } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';

/** The core's own check, so the edge accepts exactly what `createVideo` accepts. */
const createVideoBody = validator('json', (value, c) => {
  if (!/^application\/([\w.-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new EdgeError(
      400,
      'invalid_request',
      'Send the options as JSON (Content-Type: application/json).',
    );
  }
  // An InvalidRequestError, in the client's own words: onError answers it 400.
  return parseCreateVideoOptions(value);
});

/** `POST /tasks`: submit a text- or image-to-video task; 201, `Location: /task/:id`. */
export const tasksRoute = new Hono<AppEnv>().post('/', createVideoBody, async (c) => {
  const { taskId, requestId } = await c.get('upstream').client.createVideo(c.req.valid('json'));
  c.header('location', new URL(`/task/${encodeURIComponent(taskId)}`, c.req.url).href);
  c.header('cache-control', 'no-store');
  return c.json({ taskId, ...(requestId ? { requestId } : {}) }, 201);
});
