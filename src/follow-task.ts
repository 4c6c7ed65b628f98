import { type Clock, systemClock } from './clock.ts';
import { startAttempt } from './deadline.ts';
import { type WaitOptions, waitForTask } from './poll.ts';
import type { Task } from './task.ts';
import { assertTaskId } from './task-id.ts';

export interface FollowTaskOptions extends WaitOptions {
  clock?: Clock | undefined;
}

/**
 * `waitForTask` over any source of snapshots, not only the client's own query. The edge reads
 * tasks through its cache and single-flight; following them this way keeps one set of rules
 * (intervals that grow, transient errors ridden out, terminal failures as typed errors).
 * `query` gets the follower's signal, if any; a shared query may ignore it.
 */
export async function followTask(
  id: string,
  query: (signal: AbortSignal | undefined) => Promise<Task>,
  options: FollowTaskOptions = {},
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
