import {
  type Clock,
  MAX_TIMER_MS,
  type SharedWait,
  type SharedWaitOptions,
  type Task,
  TimeoutError,
} from '../../src/index.ts';

/** The end of a job that waited its whole time: the task may still finish. */
export function stoppedWaitingError(
  taskId: string,
  timeoutMs: number,
  requestId: string | undefined,
): TimeoutError {
  return new TimeoutError(
    `Stopped waiting for task ${taskId} after ${Math.round(timeoutMs / 60_000)} min. The task may still finish: query it again later.`,
    { taskId, requestId },
  );
}

/**
 * Waits for the task for this job's own `timeoutMs`, then leaves the shared loop with a
 * `TimeoutError`; the loop itself goes on for anyone who joined later.
 */
export async function waitWithin(
  sharedWait: SharedWait,
  clock: Clock,
  timeoutMs: number,
  taskId: string,
  { signal, onUpdate }: SharedWaitOptions & { signal: AbortSignal },
): Promise<Task> {
  const leave = new AbortController();
  // The provider's last answer: its request id goes with a timeout, as the user's reply shows it.
  let requestId: string | undefined;
  const onStop = () => leave.abort(signal.reason);
  if (signal.aborted) onStop();
  else signal.addEventListener('abort', onStop, { once: true });
  // A timer past 2^31-1 ms would fire at once: that long means no limit of this job's own.
  const cancel =
    timeoutMs > MAX_TIMER_MS
      ? () => {}
      : clock.schedule(timeoutMs, () =>
          leave.abort(stoppedWaitingError(taskId, timeoutMs, requestId)),
        );
  try {
    return await sharedWait.wait(taskId, {
      signal: leave.signal,
      onUpdate: (task) => {
        requestId = task.requestId ?? requestId;
        onUpdate?.(task);
      },
    });
  } finally {
    cancel();
    signal.removeEventListener('abort', onStop);
  }
}
