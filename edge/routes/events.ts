import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { assertTaskId, isTerminalStatus, type Task } from '../../src/index.ts';
import type { AppEnv } from '../env.ts';
import { describeError } from '../errors.ts';
import { MAX_STREAM_MS } from '../settings.ts';
import { taskJson } from '../task-response.ts';
import { assertKnown, loadTask, waitUntilSettled } from '../task-source.ts';

/**
 * `GET /task/:id/events`: Server-Sent Events. `status` on every change (data: the task),
 * a comment as heartbeat so proxies keep the connection, then one final `done` or `failed`
 * (or `error`, or `timeout` after MAX_STREAM_MS) and the stream ends. Polling stops as soon
 * as the client goes away.
 */
export const eventsRoute = new Hono<AppEnv>().get('/:id/events', async (c) => {
  const id = assertTaskId(c.req.param('id'));
  // The first snapshot comes before the stream, so a bad id or a dead provider is a plain
  // HTTP error with its honest status, not an event.
  const first = assertKnown(await loadTask(c, id));
  return streamSSE(c, async (stream) => {
    const left = new AbortController();
    const leave = () => left.abort();
    stream.onAbort(leave);
    c.req.raw.signal?.addEventListener('abort', leave, { once: true });
    const heartbeat = setInterval(
      () => void stream.write(': heartbeat\n\n'),
      c.get('settings').heartbeatMs,
    );
    let shown: string | undefined;
    const show = async (task: Task) => {
      if (task.status === shown) return;
      shown = task.status;
      await stream.writeSSE({ event: 'status', data: taskJson(c, task) });
    };
    try {
      await show(first);
      let task = first;
      if (!isTerminalStatus(first.status)) {
        task = await waitUntilSettled(c, id, {
          timeoutMs: MAX_STREAM_MS,
          signal: left.signal,
          onUpdate: (update) => void show(update),
        });
      }
      if (left.signal.aborted) return;
      await show(task);
      const final =
        task.status === 'done' ? 'done' : isTerminalStatus(task.status) ? 'failed' : 'timeout';
      await stream.writeSSE({ event: final, data: taskJson(c, task) });
    } catch (error) {
      if (left.signal.aborted) return;
      await stream.writeSSE({ event: 'error', data: JSON.stringify(describeError(error, c).body) });
    } finally {
      clearInterval(heartbeat);
      c.req.raw.signal?.removeEventListener('abort', leave);
    }
  });
});
