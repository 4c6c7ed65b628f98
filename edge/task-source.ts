import type { Context } from 'hono';
import { isTerminalStatus, type Task, terminalTaskError } from '../src/index.ts';
import { cacheTask, markPending, readCachedTask } from './cache.ts';
import { type EdgeTask, edgeTask } from './edge-task.ts';
import type { AppEnv } from './env.ts';
import { isVideoStored } from './video-store.ts';

/**
 * One snapshot of a task: from the cache when terminal, else one upstream query shared by
 * every request for the same id in flight in this isolate. A done task's `archived` is read
 * off R2 itself (one lookup, and only for a done task the cache did not hold).
 */
export async function loadTask(c: Context<AppEnv>, id: string): Promise<EdgeTask> {
  const { baseURL, client, flight } = c.get('upstream');
  const bucket = c.env.VIDEOS;
  const cached = await readCachedTask(baseURL, id, Boolean(bucket)).catch(() => undefined);
  if (cached) return cached;
  return flight(id, async () => {
    // No caller's signal here: the query is shared, one caller leaving must not cancel it.
    const task = await client.getTask(id);
    const archived =
      task.status === 'done' && bucket !== undefined
        ? await isVideoStored(bucket, id).catch(() => false)
        : false;
    const shown = edgeTask(task, archived);
    if (isTerminalStatus(task.status))
      await cacheTask(baseURL, shown, Boolean(bucket)).catch(() => {});
    else markPending(baseURL, id);
    return shown;
  });
}

/** A task that does not exist or expired upstream is an error to an HTTP caller (404, 410). */
export function assertKnown<T extends Task>(task: T): T {
  // A failed task is an answer here: only the video route has nothing to show for one.
  const error = task.status === 'failed' ? undefined : terminalTaskError(task);
  if (error) throw error;
  return task;
}
