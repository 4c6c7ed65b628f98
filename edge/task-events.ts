import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isTerminalStatus } from '../src/index.ts';
import { readCachedTask } from './cache.ts';
import type { EdgeTask } from './edge-task.ts';
import type { AppEnv } from './env.ts';
import { describeError } from './errors.ts';
import { firstState, settle, type TaskWatch, watchTask } from './follower/task-watch.ts';
import { type RenderedTask, renderTask } from './rendered-task.ts';
import { MAX_STREAM_MS } from './settings.ts';
import { assertKnown } from './task-source.ts';

export interface TaskEventsOptions {
  /** Each event's data for a task: the edge's task JSON unless a page shows less of it. */
  render?: ((task: EdgeTask) => string) | undefined;
}

/**
 * Server-Sent Events for task `id`, riding its follower: `status` on every change (data: the
 * task), a comment as heartbeat so proxies keep the connection, then one final `done` or
 * `failed` (or `error`, or `timeout` after MAX_STREAM_MS or EDGE_FOLLOW_QUERIES answers) and
 * the stream ends. The follower forgets this watcher as soon as the client goes away.
 * `GET /task/:id/events` is this; a public page can serve it with its own `render`.
 */
export async function taskEvents(
  c: Context<AppEnv>,
  id: string,
  options: TaskEventsOptions = {},
): Promise<Response> {
  const { render } = options;
  // Each state's data is rendered once, for its `status` event and the final one alike. The
  // edge's own JSON comes rendered from the follower; a page's view needs the task itself, and
  // only then is it parsed.
  let last: { task: RenderedTask; data: string } | undefined;
  const dataOf = (task: RenderedTask) => {
    if (last?.task !== task) last = { task, data: render ? render(task.task) : task.json };
    return last.data;
  };
  const settings = c.get('settings');
  const left = new AbortController();
  const { baseURL, redact } = c.get('upstream');
  const cached = await readCachedTask(baseURL, id, Boolean(c.env.VIDEOS)).catch(() => undefined);
  let watch: TaskWatch | undefined;
  let first: RenderedTask;
  // The first state comes before the stream, so a bad id or a dead provider is a plain HTTP
  // error with its honest status, not an event.
  try {
    if (cached) first = renderTask(assertKnown(cached), redact);
    else {
      watch = await watchTask(c, id, left.signal);
      first = await firstState(watch, id, settings.upstreamTimeoutMs + 5_000);
      assertKnown(first.head);
    }
  } catch (error) {
    watch?.close();
    throw error;
  }
  return streamSSE(c, async (stream) => {
    const leave = () => left.abort();
    stream.onAbort(leave);
    c.req.raw.signal?.addEventListener('abort', leave, { once: true });
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), settings.heartbeatMs);
    let shown: string | undefined;
    const show = async (task: RenderedTask) => {
      if (task.head.status === shown) return;
      shown = task.head.status;
      await stream.writeSSE({ event: 'status', data: dataOf(task) });
    };
    try {
      await show(first);
      let task = first;
      if (watch && !isTerminalStatus(first.head.status)) {
        task = await settle(watch, {
          id,
          timeoutMs: MAX_STREAM_MS,
          signal: left.signal,
          maxPolls: settings.followQueries,
          seen: first,
          onUpdate: (update) => void show(update),
        });
      }
      if (left.signal.aborted) return;
      await show(task);
      const { status } = task.head;
      const final = status === 'done' ? 'done' : isTerminalStatus(status) ? 'failed' : 'timeout';
      await stream.writeSSE({ event: final, data: dataOf(task) });
    } catch (error) {
      if (left.signal.aborted) return;
      await stream.writeSSE({ event: 'error', data: JSON.stringify(describeError(error, c).body) });
    } finally {
      clearInterval(heartbeat);
      c.req.raw.signal?.removeEventListener('abort', leave);
      watch?.close();
    }
  });
}
