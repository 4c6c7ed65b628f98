import type { Clock } from './clock.ts';
import {
  assertTimeoutMs,
  type Deadline,
  deadlineError,
  formatDuration,
  sleepWithin,
  startDeadline,
} from './deadline.ts';
import { InvalidRequestError, isJimengError, type JimengError } from './errors.ts';
import { pollDelayMs } from './poll-interval.ts';
import type { Task } from './task.ts';
import { terminalTaskError } from './terminal-task-error.ts';

export const DEFAULT_WAIT_TIMEOUT_MS = 15 * 60 * 1000;
export const DEFAULT_INTERVAL_MS = 1_000;
export const DEFAULT_MAX_INTERVAL_MS = 30_000;
/** Asking more often than this would only hammer the provider. */
export const MIN_INTERVAL_MS = 100;

export interface WaitOptions {
  signal?: AbortSignal | undefined;
  /** Give up after this long (default 15 minutes). */
  timeoutMs?: number | undefined;
  /** First wait between queries; later waits grow with the time spent. */
  intervalMs?: number | undefined;
  maxIntervalMs?: number | undefined;
  /**
   * Called once per change of status or of the provider's own status (`processing` to
   * `generating`), the first query included. It is not awaited, so a slow one never holds the
   * polling; if it throws or rejects, the wait rejects with its error (a rejection is seen at
   * the next poll, and dropped once the wait has settled).
   */
  onUpdate?: ((task: Task) => void) | undefined;
}

interface PollDeps {
  clock: Clock;
  query: (id: string, deadline: Deadline, timeoutMs: number | undefined) => Promise<Task>;
  random?: () => number;
}

/** Resolves with the task once it is done; rejects on a terminal failure, the deadline or the signal. */
export async function waitForTask(id: string, options: WaitOptions, deps: PollDeps): Promise<Task> {
  const { clock, query, random } = deps;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const maxIntervalMs = Math.max(intervalMs, options.maxIntervalMs ?? DEFAULT_MAX_INTERVAL_MS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  if (!(intervalMs >= MIN_INTERVAL_MS)) {
    throw new InvalidRequestError(
      `Invalid option: intervalMs must be at least ${MIN_INTERVAL_MS} ms.`,
    );
  }
  assertTimeoutMs(timeoutMs);
  // NaN would survive Math.max above and turn every wait into a 1 ms timer.
  if (!(maxIntervalMs >= MIN_INTERVAL_MS)) {
    throw new InvalidRequestError(
      `Invalid option: maxIntervalMs must be a number of milliseconds, got ${options.maxIntervalMs}.`,
    );
  }

  const deadline = startDeadline(clock, { signal: options.signal, timeoutMs });
  const startedAt = clock.now();
  let last: Task | undefined;
  // An async onUpdate's rejection, caught so it can never surface as an unhandled rejection.
  let updateFailure: { error: unknown } | undefined;
  const report = (task: Task) => {
    const result: unknown = options.onUpdate?.(task);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
        updateFailure ??= { error };
      });
    }
  };
  for (;;) {
    if (updateFailure) throw updateFailure.error;
    let task: Task | undefined;
    let retryAfterMs: number | undefined;
    try {
      task = await query(id, deadline, timeoutMs);
    } catch (error) {
      // The deadline can land mid-query: say what the wait saw, not what that query was doing.
      if (deadline.reason()) throw waitError(deadline, id, last, timeoutMs);
      // A provider hiccup that outlasted the query's own retries is not the task's fault:
      // keep following it until the deadline says otherwise.
      if (!isJimengError(error) || !error.retryable) throw error;
      // Told to come back after the deadline: sleeping until then would only turn this answer
      // into a vaguer timeout.
      if (error.retryAfterMs !== undefined && error.retryAfterMs >= deadline.remaining()) {
        throw error;
      }
      retryAfterMs = error.retryAfterMs;
    }
    if (task) {
      // generating after processing is the same normalised status, and a step people watch for.
      if (task.status !== last?.status || task.upstreamStatus !== last?.upstreamStatus) {
        report(task);
      }
      last = task;
      const failure = terminalTaskError(task);
      if (failure) throw failure;
      if (task.status === 'done') return task;
    }
    const delay = Math.max(
      retryAfterMs ?? 0,
      pollDelayMs(clock.now() - startedAt, { intervalMs, maxIntervalMs }, random),
    );
    // The sleep ends early at the deadline or on abort; either way the wait is over.
    await sleepWithin(clock, deadline, delay).catch(() => {});
    if (deadline.reason()) throw waitError(deadline, id, last, timeoutMs);
  }
}

function waitError(
  deadline: Deadline,
  id: string,
  last: Task | undefined,
  timeoutMs: number,
): JimengError {
  const state = last ? ` (last status: ${last.upstreamStatus ?? last.status})` : '';
  const error = deadlineError(deadline, `waiting for task ${id}${state}`, {
    taskId: id,
    requestId: last?.requestId ?? undefined,
    timeoutMs,
  });
  if (error.code === 'timeout') {
    // When the caller's own AbortSignal.timeout() fired, timeoutMs was not the limit.
    const longer = deadline.signal?.aborted
      ? 'allow more time'
      : `wait longer than ${formatDuration(timeoutMs)}`;
    error.message += ` The task may still finish: query it again later, or ${longer}.`;
  }
  return error;
}
