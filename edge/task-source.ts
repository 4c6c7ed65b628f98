import type { Context } from 'hono';
import {
  isJimengError,
  isTerminalStatus,
  type Task,
  terminalTaskError,
  waitForTaskFrom,
} from '../src/index.ts';
import { cacheTask, markPending, readCachedTask } from './cache.ts';
import type { AppEnv } from './env.ts';

/**
 * One snapshot of a task: from the cache when terminal, else one upstream query shared by
 * every request for the same id in flight in this isolate.
 */
export async function loadTask(c: Context<AppEnv>, id: string): Promise<Task> {
  const { baseURL, client, flight } = c.get('upstream');
  const cached = await readCachedTask(baseURL, id).catch(() => undefined);
  if (cached) return cached;
  return flight(id, async () => {
    // No caller's signal here: the query is shared, one caller leaving must not cancel it.
    const task = await client.getTask(id);
    if (isTerminalStatus(task.status)) await cacheTask(baseURL, task).catch(() => {});
    else markPending(baseURL, id);
    return task;
  });
}

/** A task that does not exist or expired upstream is an error to an HTTP caller (404, 410). */
export function assertKnown(task: Task): Task {
  // A failed task is an answer here: only the video route has nothing to show for one.
  const error = task.status === 'failed' ? undefined : terminalTaskError(task);
  if (error) throw error;
  return task;
}

export interface SettleOptions {
  timeoutMs: number;
  signal: AbortSignal;
  onUpdate?: (task: Task) => void;
}

/**
 * Polls until the task is terminal, time runs out or the request's query budget is spent
 * (`followQueries`), and answers with the latest state either way: a failed task or one still running is an answer, not an error. Missing and
 * expired tasks, and a provider that never answered, are errors.
 */
export async function waitUntilSettled(
  c: Context<AppEnv>,
  id: string,
  options: SettleOptions,
): Promise<Task> {
  let last: Task | undefined;
  let failure: unknown;
  let queries = 0;
  const budget = new AbortController();
  const query = () => {
    if (++queries >= c.get('settings').followQueries) budget.abort();
    return loadTask(c, id).catch((error: unknown) => {
      failure = error;
      throw error;
    });
  };
  try {
    return await waitForTaskFrom(id, query, {
      timeoutMs: options.timeoutMs,
      signal: AbortSignal.any([options.signal, budget.signal]),
      intervalMs: c.get('settings').pollIntervalMs,
      onUpdate: (task) => {
        last = task;
        options.onUpdate?.(task);
      },
    });
  } catch (error) {
    const settled =
      isJimengError(error) && ['timeout', 'task_failed', 'aborted'].includes(error.code);
    if (settled && last) return last;
    // Time ran out without one answer: what the provider said (429, 502…) is the honest
    // status, not a 504 for a provider that did answer.
    if (settled && failure !== undefined) throw failure;
    throw error;
  }
}
