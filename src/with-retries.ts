import type { Clock } from './clock.ts';
import {
  type Deadline,
  deadlineError,
  formatDuration,
  sleepWithin,
  startAttempt,
} from './deadline.ts';
import { isJimengError, type JimengError, TimeoutError } from './errors.ts';
import { type RetryPolicy, retryDelayMs, shouldRetry } from './retry-policy.ts';

export interface RetryContext {
  clock: Clock;
  deadline: Deadline;
  policy: RetryPolicy;
  /** For the deadline's message: "querying task 123". */
  action: string;
  taskId?: string | undefined;
  timeoutMs?: number | undefined;
  /** Narrows what may be retried, e.g. only refusals for a submit that must not run twice. */
  canRetry?: (error: JimengError) => boolean;
  random?: () => number;
}

/** Runs `attempt` until it succeeds, the error is final, retries run out or the deadline nears. */
export async function withRetries<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  context: RetryContext,
): Promise<T> {
  const { clock, deadline, policy } = context;
  // The id of the provider's last answer: what its support needs when the deadline ends a retry.
  let requestId: string | undefined;
  for (let n = 0; ; n++) {
    if (deadline.reason()) throw ended(context, requestId);
    // A hung connection must cost one attempt, not the caller's whole budget.
    const current = startAttempt(clock, deadline, policy.attemptTimeoutMs);
    try {
      return await attempt(current.signal);
    } catch (thrown) {
      if (isJimengError(thrown) && thrown.requestId) requestId = thrown.requestId;
      if (deadline.reason()) throw ended(context, requestId);
      const error = current.timedOut()
        ? new TimeoutError(
            `The provider did not answer within ${formatDuration(policy.attemptTimeoutMs)} while ${context.action}.`,
            { taskId: context.taskId, requestId, retryable: true },
          )
        : thrown;
      if (!isJimengError(error)) throw error;
      if (!shouldRetry(error, n, policy) || (context.canRetry && !context.canRetry(error))) {
        throw error;
      }
      const delay = retryDelayMs(n, error, policy, context.random);
      // Waiting past the caller's deadline would only turn this error into a vaguer timeout.
      if (delay >= deadline.remaining()) throw error;
      try {
        await sleepWithin(clock, deadline, delay);
      } catch {
        throw ended(context, requestId);
      }
    } finally {
      current.dispose();
    }
  }
}

function ended(context: RetryContext, requestId: string | undefined): JimengError {
  return deadlineError(context.deadline, context.action, {
    taskId: context.taskId,
    timeoutMs: context.timeoutMs,
    requestId,
  });
}
