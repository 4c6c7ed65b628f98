import { Hono } from 'hono/tiny';
import { assertTaskId } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { EdgeError } from '../errors.ts';
import { keepVideo } from '../follower/keep-video.ts';
import { watchUntilSettled } from '../follower/task-watch.ts';
import { renderTask } from '../rendered-task.ts';
import { MAX_WAIT_SECONDS } from '../settings.ts';
import { taskResponse } from '../task-response.ts';
import { assertKnown, loadTask } from '../task-source.ts';

/**
 * `GET /task/:id[?wait=N]`: the normalised task, with `archived`; with `wait`, held until
 * terminal or N seconds, riding the task's follower.
 */
export const taskRoute = new Hono<AppEnv>().get('/:id', async (c) => {
  const id = assertTaskId(c.req.param('id'));
  const wait = waitSeconds(c.req.query('wait'));
  if (wait > 0) {
    const task = await watchUntilSettled(c, id, wait * 1000);
    assertKnown(task.head);
    return taskResponse(c, task);
  }
  const task = await loadTask(c, id);
  keepVideo(c, task);
  return taskResponse(c, renderTask(assertKnown(task), c.get('upstream').redact));
});

function waitSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new EdgeError(
      400,
      'invalid_request',
      `wait must be a number of seconds, got "${value.slice(0, 20)}".`,
    );
  }
  return Math.min(seconds, MAX_WAIT_SECONDS);
}
