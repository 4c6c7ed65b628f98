import { Hono } from 'hono/tiny';
import { assertTaskId } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { taskEvents } from '../task-events.ts';

/** `GET /task/:id/events`: Server-Sent Events of the task, from its follower (see taskEvents). */
export const eventsRoute = new Hono<AppEnv>().get('/:id/events', (c) =>
  taskEvents(c, assertTaskId(c.req.param('id'))),
);
