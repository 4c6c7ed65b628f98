import type { Context } from 'hono';
import { isTerminalStatus, type Task, terminalTaskError } from '../src/index.ts';
import { cacheTask, markPending, readCachedTask } from './cache.ts';
import { type EdgeTask, edgeTask } from './edge-task.ts';
import type { AppEnv } from './env.ts';
import { followerFor } from './follower/follower-stub.ts';
import { renderTask } from './rendered-task.ts';
import { isVideoStored } from './video-store.ts';

/**
 * One snapshot of a task: from the cache when terminal, else one upstream query shared by
 * every request for the same id in flight in this isolate. A done task's `archived` is read
 * off R2 itself (one lookup, and only for a done task the cache did not hold).
 */
export async function loadTask(c: Context<AppEnv>, id: string): Promise<EdgeTask> {
  const { baseURL, client, flight, redact } = c.get('upstream');
  const bucket = c.env.VIDEOS;
  const cached = await readCachedTask(baseURL, id, Boolean(bucket)).catch(() => undefined);
  if (cached) return cached;
  return flight(id, async () => {
    // No caller's signal here: the query is shared, one caller leaving must not cancel it.
    const task = await client.getTask(id);
    const shown = (await endSeenByFollower(c, task)) ?? edgeTask(task, await isArchived(c, task));
    if (isTerminalStatus(task.status)) {
      await cacheTask(baseURL, renderTask(shown, redact), Boolean(bucket)).catch(() => {});
    } else markPending(baseURL, id);
    return shown;
  });
}

async function isArchived(c: Context<AppEnv>, task: Task): Promise<boolean> {
  const bucket = c.env.VIDEOS;
  if (task.status !== 'done' || !bucket) return false;
  return isVideoStored(bucket, task.id).catch(() => false);
}

/**
 * For a task the provider no longer knows, the end its follower saw, if any: a task done this
 * morning is still done tonight, and its video is in R2. Asked only on `not_found`, so the
 * usual answer costs nothing more.
 */
async function endSeenByFollower(c: Context<AppEnv>, task: Task): Promise<EdgeTask | undefined> {
  if (task.status !== 'not_found' || !c.env.FOLLOWERS) return undefined;
  return followerFor(c.env, task.id)
    .settled()
    .catch(() => undefined);
}

/** A task that does not exist or expired upstream is an error to an HTTP caller (404, 410). */
export function assertKnown<T extends Pick<Task, 'id' | 'status' | 'requestId'>>(task: T): T {
  // A failed task is an answer here: only the video route has nothing to show for one.
  const error = task.status === 'failed' ? undefined : terminalTaskError(task);
  if (error) throw error;
  return task;
}
