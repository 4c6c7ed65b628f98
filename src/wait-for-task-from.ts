import { type Clock, systemClock } from './clock.ts';
import { startAttempt } from './deadline.ts';
import type { Task } from './task.ts';
import { assertTaskId } from './task-id.ts';
import { type WaitOptions, waitForTask } from './wait-for-task.ts';

export interface WaitFromOptions extends WaitOptions {
  clock?: Clock | undefined;
}

/**
 * `waitForTask` over any source of snapshots, not only the client's own query. The edge reads
 * tasks through its cache and single-flight; waiting on them this way keeps one set of rules
 * (intervals that grow, transient errors ridden out, terminal failures as typed errors).
 * `query` gets the waiter's signal, if any; a shared query may ignore it.
 */
export async function waitForTaskFrom(
  id: string,
  query: (signal: AbortSignal | undefined) => Promise<Task>,
  options: WaitFromOptions = {},
): Promise<Task> {
  assertTaskId(id);
  const { clock = systemClock, ...wait } = options;
  return waitForTask(id, wait, {
    clock,
    // try/finally, not .finally(): a query that throws synchronously must free its timer too.
    query: async (_id, deadline) => {
      const attempt = startAttempt(clock, deadline);
      try {
        return await query(attempt.signal);
      } finally {
        attempt.dispose();
      }
    },
  });
}
